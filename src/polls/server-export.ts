// A server's polls for insights' export: polls, choices with counts, votes of named polls, follow-ups.
import { and, asc, eq, gt, inArray, isNotNull, or } from 'drizzle-orm';
import type { Db } from '../db/open';
import { isMemberId } from '../member-data';
import { EXPORT_PAGE, isoOrEmpty, paged, type ExportTable } from '../server-export';
import { pollChoices, pollFollowUps, polls, pollVotes } from './schema';
import { ANONYMOUS_MIN_VOTERS } from './service';

type PollRow = typeof polls.$inferSelect;

/** Counts show unless they are hidden until close (and it is open) or an anonymous poll has too few voters. */
const countsShown = (p: PollRow) => !(p.hideResults && p.status === 'open') && !(p.anonymous && p.voters < ANONYMOUS_MIN_VOTERS);

function pollPages(db: Db, guildId: string): Generator<PollRow> {
  return paged(
    (after: number | null) =>
      db.select().from(polls).where(and(eq(polls.guildId, guildId), isNotNull(polls.messageId), after === null ? undefined : gt(polls.id, after))).orderBy(asc(polls.id)).limit(EXPORT_PAGE).all(),
    (p) => p.id,
  );
}

export function pollExportTables(db: Db, guildId: string): ExportTable[] {
  return [
    {
      file: 'polls.csv',
      about: 'One row per poll.',
      columns: [
        ['poll_id', 'The poll\'s number, as in /poll commands'],
        ['question', 'The question'],
        ['channel_id', 'The channel it was posted in'],
        ['anonymous', '1 if anonymous (no one can see who voted what), else 0'],
        ['multi', '1 if members could pick several choices'],
        ['hide_results', '1 if results were hidden until it closed'],
        ['role_id', 'Only members with this role could vote (empty: everyone)'],
        ['status', 'open or closed'],
        ['created_at', 'When it was created (UTC, ISO 8601)'],
        ['closed_at', 'When it closed (empty while open)'],
        ['voters', 'Members who voted (empty while hidden, or for an anonymous poll with fewer than 3 voters)'],
      ],
      *rows() {
        for (const p of pollPages(db, guildId)) {
          yield [p.id, p.question, p.channelId, p.anonymous ? 1 : 0, p.multi ? 1 : 0, p.hideResults ? 1 : 0, p.roleId, p.status, isoOrEmpty(p.createdAt), isoOrEmpty(p.closedAt), countsShown(p) ? p.voters : null];
        }
      },
    },
    {
      file: 'poll_choices.csv',
      about: 'One row per choice of each poll.',
      columns: [
        ['poll_id', 'The poll (polls.csv)'],
        ['position', 'The choice\'s place on the poll, from 1'],
        ['label', 'The choice'],
        ['votes', 'Votes for it (empty while hidden, or for an anonymous poll with fewer than 3 voters)'],
      ],
      *rows() {
        const page: PollRow[] = [];
        const flush = function* () {
          const shown = new Map(page.map((p) => [p.id, countsShown(p)]));
          const choices = db.select().from(pollChoices).where(inArray(pollChoices.pollId, [...shown.keys()])).orderBy(asc(pollChoices.pollId), asc(pollChoices.position)).all();
          for (const c of choices) yield [c.pollId, c.position + 1, c.label, shown.get(c.pollId) ? c.votes : null];
          page.length = 0;
        };
        for (const p of pollPages(db, guildId)) {
          page.push(p);
          if (page.length === 100) yield* flush();
        }
        if (page.length) yield* flush();
      },
    },
    {
      file: 'poll_votes.csv',
      about: 'One row per vote in a poll that is not anonymous (anonymous polls store no member ids, so they have none). A moved vote shows where it is now.',
      columns: [
        ['poll_id', 'The poll (polls.csv)'],
        ['member_id', 'The member\'s Discord id (empty once the server\'s retention unlinked it)'],
        ['position', 'The choice voted for (poll_choices.csv)'],
        ['voted_at', 'When (UTC, ISO 8601)'],
      ],
      *rows() {
        for (const p of pollPages(db, guildId)) {
          if (p.anonymous || !countsShown(p)) continue;
          const votes = paged(
            (after: { voter: string; choice: number } | null) =>
              db
                .select()
                .from(pollVotes)
                .where(and(eq(pollVotes.pollId, p.id), after === null ? undefined : or(gt(pollVotes.voter, after.voter), and(eq(pollVotes.voter, after.voter), gt(pollVotes.choice, after.choice)))))
                .orderBy(asc(pollVotes.voter), asc(pollVotes.choice))
                .limit(EXPORT_PAGE)
                .all(),
            (v) => ({ voter: v.voter, choice: v.choice }),
          );
          for (const v of votes) yield [p.id, isMemberId(v.voter) ? v.voter : null, v.choice + 1, isoOrEmpty(v.votedAt)];
        }
      },
    },
  ];
}

/** Follow-ups to this server's polls, as rows of follow_ups.csv (see insights). */
export function* pollFollowUpRows(db: Db, guildId: string): Generator<(string | number | null)[]> {
  const rows = paged(
    (after: number | null) =>
      db.select().from(pollFollowUps).where(and(eq(pollFollowUps.guildId, guildId), after === null ? undefined : gt(pollFollowUps.pollId, after))).orderBy(asc(pollFollowUps.pollId)).limit(EXPORT_PAGE).all(),
    (f) => f.pollId,
  );
  for (const f of rows) yield ['poll', f.pollId, f.message, f.revision, f.messageId, isoOrEmpty(f.createdAt), isoOrEmpty(f.updatedAt)];
}
