// A server's check-ins for insights' export: schedules, runs and answers.
import { and, asc, eq, gt } from 'drizzle-orm';
import type { Db } from '../db/open';
import { shuffled } from '../anonymity';
import { isMemberId } from '../member-data';
import { EXPORT_PAGE, isoOrEmpty, paged, type ExportTable } from '../server-export';
import { CHECKIN_LIMITS } from './limits';
import { checkinAnswers, checkinRuns } from './schema';
import { latestPostedRun, listSchedules } from './store';

export function checkinExportTables(db: Db, guildId: string): ExportTable[] {
  const schedules = () => listSchedules(db, guildId);
  const runPages = () =>
    paged(
      (after: number | null) =>
        db.select().from(checkinRuns).where(and(eq(checkinRuns.guildId, guildId), after === null ? undefined : gt(checkinRuns.id, after))).orderBy(asc(checkinRuns.id)).limit(EXPORT_PAGE).all(),
      (r) => r.id,
    );
  return [
    {
      file: 'checkins.csv',
      about: 'One row per check-in schedule.',
      columns: [
        ['checkin_id', 'The check-in\'s number, as in /checkin commands'],
        ['name', 'Its name'],
        ['prompt', 'The question it asks'],
        ['channel_id', 'Where it is posted'],
        ['when', 'Its schedule as the leader typed it'],
        ['timezone', 'The time zone the schedule is read in'],
        ['anonymous', '1 if anonymous, else 0'],
        ['status', 'active or paused'],
        ['created_at', 'When it was created (UTC, ISO 8601)'],
      ],
      *rows() {
        for (const s of schedules()) yield [s.id, s.name, s.prompt, s.channelId, s.whenText, s.timezone, s.anonymous ? 1 : 0, s.status, isoOrEmpty(s.createdAt)];
      },
    },
    {
      file: 'checkin_runs.csv',
      about: 'One row per run of a check-in (posted, failed, missed or skipped).',
      columns: [
        ['run_id', 'The run'],
        ['checkin_id', 'The check-in (checkins.csv)'],
        ['scheduled_for', 'Its moment (UTC, ISO 8601)'],
        ['manual', '1 if a leader posted it with /checkin run'],
        ['status', 'posted, failed, missed, skipped (or posting, for a moment; queued: a direct-message run on its way to members east of the check-in\'s zone before its time)'],
        ['reason', 'Why it failed or was not posted'],
      ],
      *rows() {
        for (const r of runPages()) yield [r.id, r.scheduleId, isoOrEmpty(r.scheduledFor), r.manual ? 1 : 0, r.status, r.reason];
      },
    },
    {
      file: 'checkin_answers.csv',
      about:
        'One row per answer (a mood, a note, or both). Anonymous check-ins carry no member ids or times, are listed in a random order within their run, ' +
        `and appear only for runs with at least ${CHECKIN_LIMITS.anonymousMinimum} moods that no longer take answers.`,
      columns: [
        ['run_id', 'The run (checkin_runs.csv)'],
        ['checkin_id', 'The check-in (checkins.csv)'],
        ['member_id', 'Who answered (empty for anonymous check-ins, or once the server\'s retention unlinked it)'],
        ['mood', '1 (rough) to 5 (great); empty for a note alone'],
        ['note', 'The note, if any'],
        ['answered_at', 'When first answered (UTC, ISO 8601; empty for anonymous check-ins)'],
      ],
      *rows() {
        const anonymous = new Map(schedules().map((s) => [s.id, s.anonymous]));
        const stillOpen = new Set(schedules().flatMap((s) => (s.anonymous ? (latestPostedRun(db, s.id)?.id ?? []) : [])));
        for (const run of runPages()) {
          if (run.status !== 'posted') continue;
          const answers = db.select().from(checkinAnswers).where(eq(checkinAnswers.runId, run.id)).orderBy(asc(checkinAnswers.answeredAt), asc(checkinAnswers.memberId)).all();
          if (!anonymous.get(run.scheduleId)) {
            for (const a of answers) yield [run.id, run.scheduleId, isMemberId(a.memberId) ? a.memberId : null, a.mood, a.note, isoOrEmpty(a.answeredAt)];
            continue;
          }
          if (stillOpen.has(run.id) || answers.filter((a) => a.mood !== null).length < CHECKIN_LIMITS.anonymousMinimum) continue;
          for (const a of shuffled(answers)) yield [run.id, run.scheduleId, null, a.mood, a.note, null];
        }
      },
    },
  ];
}
