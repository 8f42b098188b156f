import { and, asc, desc, eq, gt, inArray, isNotNull, isNull, lt, or, sql } from 'drizzle-orm';
import { shuffled } from '../anonymity';
import type { Db } from '../db/open';
import { preparedOnce } from '../db/prepared';
import { writeTx, type Tx } from '../db/write-tx';
import { limitKey, NO_MEMBER } from '../member-data';
import { fairlyDue, inOrderOf, type Batch } from '../scheduler/fair';
import { pollChoices, polls, pollVotes } from './schema';

export type Poll = typeof polls.$inferSelect;
export type NewPollRow = Omit<typeof polls.$inferInsert, 'id'>;
type Reader = Db | Tx;

/** Stores a poll and its choices in one transaction (after `check`, which may refuse); returns its id. */
export function insertPoll(db: Db, poll: NewPollRow, choices: string[], check: (tx: Tx) => void = () => {}): number {
  return writeTx(db, (tx) => {
    check(tx);
    const { id } = tx.insert(polls).values(poll).returning({ id: polls.id }).get();
    tx.insert(pollChoices).values(choices.map((label, position) => ({ pollId: id, position, label }))).run();
    return id;
  });
}

export function setPollMessage(db: Db, guildId: string, pollId: number, messageId: string): void {
  const { changes } = db.update(polls).set({ messageId }).where(and(eq(polls.id, pollId), eq(polls.guildId, guildId))).run();
  if (changes !== 1) throw new Error(`poll ${pollId} of guild ${guildId} was not found to link message ${messageId}`);
}

export function deletePoll(db: Db, guildId: string, pollId: number): void {
  db.delete(polls).where(and(eq(polls.id, pollId), eq(polls.guildId, guildId))).run();
}

/**
 * Polls stored before `before` whose message was never attached (the process stopped mid-creation)
 * and that nobody voted on: a posted message whose link was lost still keeps its votes.
 */
export function deleteUnpostedPolls(db: Db, before: number): number {
  return db.delete(polls).where(and(isNull(polls.messageId), lt(polls.createdAt, before), eq(polls.voters, 0))).run().changes;
}

const at = {
  pollId: sql.placeholder('pollId'),
  guildId: sql.placeholder('guildId'),
  voter: sql.placeholder('voter'),
  choice: sql.placeholder('choice'),
  delta: sql.placeholder('delta'),
};

// What a vote, a retraction and "My vote" run: built and prepared once per connection.
const voting = preparedOnce((db) => ({
  poll: db.select().from(polls).where(and(eq(polls.id, at.pollId), eq(polls.guildId, at.guildId))).prepare(),
  // A vote needs the poll and its choices: one read instead of two.
  pollAndChoices: db
    // Names written out: in a one-table select drizzle leaves columns unqualified, and a bare "id"
    // here would mean poll_choices.id if that table ever had one.
    .select({ poll: polls, choices: sql<string>`(SELECT json_group_array(c.label ORDER BY c.position) FROM poll_choices c WHERE c.poll_id = polls.id)` })
    .from(polls)
    .where(and(eq(polls.id, at.pollId), eq(polls.guildId, at.guildId)))
    .prepare(),
  choices: db.select({ label: pollChoices.label }).from(pollChoices).where(eq(pollChoices.pollId, at.pollId)).orderBy(asc(pollChoices.position)).prepare(),
  votes: db
    .select({ choice: pollVotes.choice })
    .from(pollVotes)
    .where(and(eq(pollVotes.pollId, at.pollId), eq(pollVotes.voter, at.voter)))
    .orderBy(asc(pollVotes.choice))
    .prepare(),
  addVote: db.insert(pollVotes).values({ pollId: at.pollId, voter: at.voter, choice: at.choice, votedAt: sql.placeholder('now') }).prepare(),
  removeVotes: db.delete(pollVotes).where(and(eq(pollVotes.pollId, at.pollId), eq(pollVotes.voter, at.voter))).returning({ choice: pollVotes.choice }).prepare(),
  removeVote: db
    .delete(pollVotes)
    .where(and(eq(pollVotes.pollId, at.pollId), eq(pollVotes.voter, at.voter), eq(pollVotes.choice, at.choice)))
    .returning({ choice: pollVotes.choice })
    .prepare(),
  countChoice: db
    .update(pollChoices)
    .set({ votes: sql`${pollChoices.votes} + ${at.delta}` })
    .where(and(eq(pollChoices.pollId, at.pollId), eq(pollChoices.position, at.choice)))
    .prepare(),
  countVoter: db.update(polls).set({ voters: sql`${polls.voters} + ${at.delta}` }).where(eq(polls.id, at.pollId)).prepare(),
  choiceCounts: db.select({ position: pollChoices.position, votes: pollChoices.votes }).from(pollChoices).where(eq(pollChoices.pollId, at.pollId)).prepare(),
  voters: db.select({ voters: polls.voters }).from(polls).where(eq(polls.id, at.pollId)).prepare(),
}));

/** A poll of this server, or undefined: an id from another server behaves like a missing one. */
export function findPoll(db: Reader, guildId: string, pollId: number): Poll | undefined {
  return voting(db).poll.get({ pollId, guildId });
}

/** As findPoll, with the labels of its choices in order. */
export function findPollAndChoices(db: Reader, guildId: string, pollId: number): { poll: Poll; choices: string[] } | undefined {
  const found = voting(db).pollAndChoices.get({ pollId, guildId });
  return found && { poll: found.poll, choices: JSON.parse(found.choices) as string[] };
}

export function pollById(db: Reader, pollId: number): Poll | undefined {
  return db.select().from(polls).where(eq(polls.id, pollId)).get();
}

export function choicesOf(db: Reader, pollId: number): string[] {
  return voting(db).choices.all({ pollId }).map((c) => c.label);
}

export function votesOf(db: Reader, pollId: number, voter: string): number[] {
  return voting(db).votes.all({ pollId, voter }).map((v) => v.choice);
}

/** Adds one vote and counts it on its choice. */
export function addVote(tx: Tx, pollId: number, voter: string, choice: number, now: number): void {
  const statements = voting(tx);
  statements.addVote.run({ pollId, voter, choice, now });
  statements.countChoice.run({ pollId, choice, delta: 1 });
}

/** Removes a member's votes (all, or the one on `choice`) and uncounts them; returns how many. */
export function removeVotes(tx: Tx, pollId: number, voter: string, choice?: number): number {
  const statements = voting(tx);
  const removed = choice === undefined ? statements.removeVotes.all({ pollId, voter }) : statements.removeVote.all({ pollId, voter, choice });
  for (const vote of removed) statements.countChoice.run({ pollId, choice: vote.choice, delta: -1 });
  return removed.length;
}

/** A member went from no votes to some (+1) or from some to none (-1). */
export function countVoter(tx: Tx, pollId: number, delta: 1 | -1): void {
  voting(tx).countVoter.run({ pollId, delta });
}

/** Votes per choice position, and how many members voted: read from the kept counts. */
export function tally(db: Reader, pollId: number): { counts: Map<number, number>; voters: number } {
  const statements = voting(db);
  const rows = statements.choiceCounts.all({ pollId });
  const poll = statements.voters.get({ pollId });
  return { counts: new Map(rows.map((r) => [r.position, r.votes])), voters: poll?.voters ?? 0 };
}

/** The first `limit` members who chose each choice (non-anonymous polls), for showing names. */
export function votersByChoice(db: Reader, pollId: number, limit: number): { voter: string; choice: number }[] {
  return db.all<{ voter: string; choice: number }>(sql`
    SELECT voter, choice FROM (
      SELECT voter, choice, row_number() OVER (PARTITION BY choice ORDER BY voted_at) AS n
      FROM poll_votes WHERE poll_id = ${pollId}
    ) WHERE n <= ${limit}`);
}

/** Every vote of a (non-anonymous) poll: who chose what, when. */
export function allVotes(db: Reader, pollId: number): { voter: string; choice: number; votedAt: number }[] {
  return db
    .select({ voter: pollVotes.voter, choice: pollVotes.choice, votedAt: pollVotes.votedAt })
    .from(pollVotes)
    .where(eq(pollVotes.pollId, pollId))
    .orderBy(asc(pollVotes.votedAt), asc(pollVotes.choice))
    .all();
}

/** Files a voter's votes under another key (forgetting a member of an anonymous poll: see forgottenKey). */
export function unlinkVotes(tx: Tx, pollId: number, voter: string, to: string): void {
  tx.update(pollVotes).set({ voter: to }).where(and(eq(pollVotes.pollId, pollId), eq(pollVotes.voter, voter))).run();
}

/**
 * Closes an open poll; false if it was already closed (so two closers cannot both act). A poll
 * closed late (Hearth was down) is recorded as closed at its stored closing time.
 */
export function markClosed(db: Reader, guildId: string, pollId: number, now: number): boolean {
  return (
    db
      .update(polls)
      // A forgotten creator's limit key (see limitKey) is no longer needed once the poll is closed.
      .set({ status: 'closed', closedAt: sql`min(${now}, coalesce(${polls.closesAt}, ${now}))`, voterSecret: null, creatorId: sql`CASE WHEN ${polls.creatorId} > ${NO_MEMBER} THEN ${NO_MEMBER} ELSE ${polls.creatorId} END` })
      .where(and(eq(polls.id, pollId), eq(polls.guildId, guildId), eq(polls.status, 'open')))
      .run().changes === 1
  );
}

/** The channels this server's polls were posted in. */
export function pollChannels(db: Reader, guildId: string): string[] {
  return db.selectDistinct({ channelId: polls.channelId }).from(polls).where(eq(polls.guildId, guildId)).all().map((r) => r.channelId);
}

/** Only polls in these channels; null for every channel. */
const inChannels = (channelIds: readonly string[] | null) => (channelIds === null ? undefined : inArray(polls.channelId, [...channelIds]));

export function listPolls(db: Db, guildId: string, status: 'open' | 'closed' | 'all', channelIds: readonly string[] | null, limit: number): { polls: Poll[]; total: number } {
  const where = and(eq(polls.guildId, guildId), status === 'all' ? undefined : eq(polls.status, status), inChannels(channelIds));
  const rows = db.select().from(polls).where(where).orderBy(desc(polls.id)).limit(limit).all();
  const { total } = db.select({ total: sql<number>`count(*)` }).from(polls).where(where).get()!;
  return { polls: rows, total };
}

/** For autocomplete: this server's polls whose question contains the typed text, newest first. */
export function searchPolls(db: Db, guildId: string, typed: string, status: 'open' | 'any', channelIds: readonly string[] | null, limit = 25): Poll[] {
  const conditions = [eq(polls.guildId, guildId), isNotNull(polls.messageId)];
  const channels = inChannels(channelIds);
  if (channels) conditions.push(channels);
  if (status === 'open') conditions.push(eq(polls.status, 'open'));
  const needle = typed.trim();
  if (needle) conditions.push(sql`${polls.question} LIKE ${`%${needle.replace(/[\\%_]/g, (c) => `\\${c}`)}%`} ESCAPE '\\'`);
  return db
    .select()
    .from(polls)
    .where(and(...conditions))
    .orderBy(desc(polls.status), desc(polls.id))
    .limit(limit)
    .all();
}

export function nextClosingTime(db: Db): number | null {
  const row = db
    .select({ at: sql<number | null>`min(${polls.closesAt})` })
    .from(polls)
    .where(and(eq(polls.status, 'open'), isNotNull(polls.closesAt)))
    .get();
  return row?.at ?? null;
}

/** Timed polls due to close, fairly across servers (see `fairlyDue`). */
export function pollsDueToClose(db: Db, now: number, batch: Batch): Poll[] {
  const ids = fairlyDue(db, polls, now, batch);
  return ids.length ? inOrderOf(ids, db.select().from(polls).where(inArray(polls.id, ids)).all()) : [];
}

/** Polls of a server still open at `now`, in all and created by one member (polls being posted count too). */
export function openPollCounts(db: Reader, guildId: string, creatorId: string, now: number): { server: number; member: number } {
  const row = db
    .select({ server: sql<number>`count(*)`, member: sql<number>`coalesce(sum(${polls.creatorId} IN (${creatorId}, ${limitKey(guildId, creatorId)})), 0)` })
    .from(polls)
    .where(and(eq(polls.guildId, guildId), eq(polls.status, 'open'), or(isNull(polls.closesAt), gt(polls.closesAt, now))))
    .get();
  return { server: row?.server ?? 0, member: row?.member ?? 0 };
}

/**
 * Writes a closed anonymous poll's votes again in a random order. Row ids then follow that order,
 * not the order the votes came in, which whoever watched the live count could otherwise match to
 * members. The counts kept on the poll and its choices stay as they are. With secure_delete on, the
 * old rows are overwritten; the caller then empties the log (see forgetDeletedData).
 */
export function rewriteVotesInRandomOrder(tx: Tx, pollId: number): void {
  const votes = tx.delete(pollVotes).where(eq(pollVotes.pollId, pollId)).returning().all();
  for (let start = 0, all = shuffled(votes); start < all.length; start += 500) tx.insert(pollVotes).values(all.slice(start, start + 500)).run();
}
