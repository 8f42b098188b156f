import { and, asc, desc, eq, gt, inArray, isNotNull, lt, lte, notInArray, sql } from 'drizzle-orm';
import type { Statement } from 'better-sqlite3';
import type { Db } from '../db/open';
import { preparedOnce, sqlWord } from '../db/prepared';
import { writeTx, type Tx } from '../db/write-tx';
import { LIMIT_KEY_PREFIX, LIMIT_KEYS_END, NO_MEMBER } from '../member-data';
import { checkinAnswers, checkinRuns, checkinSchedules, checkinSkips } from './schema';

export type Schedule = typeof checkinSchedules.$inferSelect;
export type NewScheduleRow = Omit<typeof checkinSchedules.$inferInsert, 'id'>;
export type Run = typeof checkinRuns.$inferSelect;
export type RunStatus = Run['status'];
export type Answer = typeof checkinAnswers.$inferSelect;
export type Reader = Db | Tx;

// ---------------------------------------------------------------- schedules

/** Stores a schedule unless the server already has `limit`; returns its id, or null when full. */
/** `alongside` runs in the same transaction with the new id (queueing the announcement). */
export function insertSchedule(db: Db, row: NewScheduleRow, limit: number, alongside?: (tx: Tx, id: number) => void): number | null {
  return writeTx(db, (tx) => {
    const { count } = tx.select({ count: sql<number>`count(*)` }).from(checkinSchedules).where(eq(checkinSchedules.guildId, row.guildId)).get()!;
    if (count >= limit) return null;
    const { id } = tx.insert(checkinSchedules).values(row).returning({ id: checkinSchedules.id }).get();
    alongside?.(tx, id);
    return id;
  });
}

const at = {
  id: sql.placeholder('id'),
  guildId: sql.placeholder('guildId'),
  runId: sql.placeholder('runId'),
  memberId: sql.placeholder('memberId'),
  now: sql.placeholder('now'),
};
const laterThan = { scheduleId: sql.placeholder('scheduleId'), scheduledFor: sql.placeholder('scheduledFor'), runId: sql.placeholder('runId') };
const answerRow = {
  runId: at.runId,
  memberId: at.memberId,
  scheduleId: sql.placeholder('scheduleId'),
  guildId: at.guildId,
  answeredAt: at.now,
  updatedAt: at.now,
};

// What a mood click and a note run: built and prepared once per connection.
const answering = preparedOnce((db) => ({
  schedule: db.select().from(checkinSchedules).where(and(eq(checkinSchedules.id, at.id), eq(checkinSchedules.guildId, at.guildId))).prepare(),
  run: db.select().from(checkinRuns).where(and(eq(checkinRuns.id, at.id), eq(checkinRuns.guildId, at.guildId))).prepare(),
  laterPostedRun: db
    .select()
    .from(checkinRuns)
    .where(
      and(
        eq(checkinRuns.scheduleId, laterThan.scheduleId),
        // A "post now" in the same millisecond as a scheduled run still counts as later. One row
        // value, not an OR: SQLite then reads only the runs after this one, not every run of the schedule.
        sql`(${checkinRuns.scheduledFor}, ${checkinRuns.id}) > (${laterThan.scheduledFor}, ${laterThan.runId})`,
        eq(checkinRuns.status, sqlWord('posted')),
      ),
    )
    .orderBy(asc(checkinRuns.scheduledFor), asc(checkinRuns.id))
    // No LIMIT: drizzle binds it, and SQLite plans a statement with a bound LIMIT again on every
    // run; `get` reads the first row anyway, and only the runs after this one are sorted (usually none).
    .prepare(),
  answer: db.select().from(checkinAnswers).where(and(eq(checkinAnswers.runId, at.runId), eq(checkinAnswers.memberId, at.memberId))).prepare(),
  // One read for a click instead of four: the run, its schedule, the run that replaced it, the answer.
  forAnswer: db
    .select({
      run: checkinRuns,
      schedule: checkinSchedules,
      answer: checkinAnswers,
      newerAt: sql<number | null>`(SELECT later.scheduled_for FROM checkin_runs later WHERE later.schedule_id = ${checkinRuns.scheduleId}
        AND (later.scheduled_for, later.id) > (${checkinRuns.scheduledFor}, ${checkinRuns.id}) AND later.status = 'posted'
        ORDER BY later.scheduled_for, later.id LIMIT 1)`,
    })
    .from(checkinRuns)
    .innerJoin(checkinSchedules, and(eq(checkinSchedules.id, checkinRuns.scheduleId), eq(checkinSchedules.guildId, checkinRuns.guildId)))
    .leftJoin(checkinAnswers, and(eq(checkinAnswers.runId, checkinRuns.id), eq(checkinAnswers.memberId, at.memberId)))
    .where(and(eq(checkinRuns.id, at.runId), eq(checkinRuns.guildId, at.guildId)))
    .prepare(),
  saveMood: db
    .insert(checkinAnswers)
    .values({ ...answerRow, mood: sql.placeholder('mood'), note: null })
    .onConflictDoUpdate({ target: [checkinAnswers.runId, checkinAnswers.memberId], set: { mood: sql`excluded.mood`, updatedAt: sql`excluded.updated_at` } })
    .prepare(),
  saveNote: db
    .insert(checkinAnswers)
    .values({ ...answerRow, mood: null, note: sql.placeholder('note') })
    .onConflictDoUpdate({ target: [checkinAnswers.runId, checkinAnswers.memberId], set: { note: sql`excluded.note`, updatedAt: sql`excluded.updated_at` } })
    .prepare(),
}));

/** A schedule of this server, or undefined: an id from another server behaves like a missing one. */
export function findSchedule(db: Reader, guildId: string, id: number): Schedule | undefined {
  return answering(db).schedule.get({ id, guildId });
}

export function listSchedules(db: Reader, guildId: string): Schedule[] {
  return db.select().from(checkinSchedules).where(eq(checkinSchedules.guildId, guildId)).orderBy(asc(checkinSchedules.id)).all();
}

/** The next run's moment and when it is claimed (see `claimLead`), or null for none. */
export type NextRun = { at: number; claimAt: number } | null;
const nextRunColumns = (next: NextRun) => ({ nextRunAt: next?.at ?? null, claimAt: next?.claimAt ?? null });

export function setScheduleState(db: Reader, guildId: string, id: number, status: 'active' | 'paused', next: NextRun): boolean {
  return (
    db
      .update(checkinSchedules)
      .set({ status, ...nextRunColumns(next) })
      .where(and(eq(checkinSchedules.id, id), eq(checkinSchedules.guildId, guildId)))
      .run().changes === 1
  );
}

export function deleteSchedule(db: Db, guildId: string, id: number): boolean {
  return db.delete(checkinSchedules).where(and(eq(checkinSchedules.id, id), eq(checkinSchedules.guildId, guildId))).run().changes === 1;
}

/**
 * Pauses a schedule whose next run cannot be worked out any more (compare and set, like
 * `advanceSchedule`): it stops being due, and a leader sees why in `/checkin list`.
 */
export function pauseBrokenSchedule(tx: Reader, guildId: string, id: number, from: number): boolean {
  return (
    tx
      .update(checkinSchedules)
      .set({ status: 'paused', nextRunAt: null, claimAt: null })
      .where(and(eq(checkinSchedules.id, id), eq(checkinSchedules.guildId, guildId), eq(checkinSchedules.nextRunAt, from), eq(checkinSchedules.status, 'active')))
      .run().changes === 1
  );
}

/** Claims a schedule's next run (still the one at `next.at`) at `next.claimAt` if that is earlier than planned. */
export function claimNoLaterThan(tx: Tx, id: number, next: { at: number; claimAt: number }): void {
  tx.update(checkinSchedules)
    .set({ claimAt: next.claimAt })
    .where(and(eq(checkinSchedules.id, id), eq(checkinSchedules.status, 'active'), eq(checkinSchedules.nextRunAt, next.at), gt(checkinSchedules.claimAt, next.claimAt)))
    .run();
}

/** Moves a schedule on from the run at `from`, only if no one else already did (compare and set). */
export function advanceSchedule(tx: Reader, guildId: string, id: number, from: number, to: NextRun): boolean {
  return (
    tx
      .update(checkinSchedules)
      .set(nextRunColumns(to))
      .where(and(eq(checkinSchedules.id, id), eq(checkinSchedules.guildId, guildId), eq(checkinSchedules.nextRunAt, from), eq(checkinSchedules.status, 'active')))
      .run().changes === 1
  );
}

/** The earliest moment something is due: a schedule's next claim, or a queued run's moment. */
export function earliestNextRun(db: Db): number | null {
  const claim = db
    .select({ at: sql<number | null>`min(${checkinSchedules.claimAt})` })
    .from(checkinSchedules)
    .where(and(eq(checkinSchedules.status, 'active'), isNotNull(checkinSchedules.claimAt)))
    .get()?.at;
  const queued = db
    .select({ at: sql<number | null>`min(${checkinRuns.scheduledFor})` })
    .from(checkinRuns)
    .where(eq(checkinRuns.status, 'queued'))
    .get()?.at;
  const due = [claim, queued].filter((at): at is number => at !== null && at !== undefined);
  return due.length ? Math.min(...due) : null;
}

/** Active schedules whose next run is to be claimed at or before `now`, earliest first, at most `limit`. */
export function dueSchedules(db: Db, now: number, limit: number): Schedule[] {
  return db
    .select()
    .from(checkinSchedules)
    .where(and(eq(checkinSchedules.status, 'active'), isNotNull(checkinSchedules.claimAt), lte(checkinSchedules.claimAt, now)))
    .orderBy(asc(checkinSchedules.claimAt))
    .limit(limit)
    .all();
}

/**
 * Calls off queued runs (a leader skipped their date, or paused the check-in before their moment):
 * they become "skipped" with the reason, so they never replace the run before them, and messages
 * not yet sent are not sent (`directRunToSend`). Answers already given to them are kept, not counted.
 */
export function callOffQueuedRuns(tx: Reader, scheduleId: number, reason: string, only?: number): number {
  return tx
    .update(checkinRuns)
    .set({ status: 'skipped', reason })
    .where(and(eq(checkinRuns.scheduleId, scheduleId), eq(checkinRuns.status, 'queued'), only === undefined ? undefined : eq(checkinRuns.scheduledFor, only)))
    .run().changes;
}

/**
 * Queued direct-message runs whose moment has come become "posted": from now on they replace the
 * runs before them (see `laterPostedRun`), as a channel run does once posted.
 */
export function postQueuedRuns(db: Db, now: number): number {
  return writeTx(db, (tx) => {
    const due = tx.update(checkinRuns).set({ status: 'posted' }).where(and(eq(checkinRuns.status, 'queued'), lte(checkinRuns.scheduledFor, now))).returning().all();
    for (const run of due) unlinkSupersededAnswers(tx, run);
    return due.length;
  });
}

// ---------------------------------------------------------------- runs

/** Records a run once per (schedule, moment); returns its id, or null if that run is already recorded. */
export function insertRunOnce(
  tx: Reader,
  row: { scheduleId: number; guildId: string; scheduledFor: number; status: RunStatus; manual?: boolean; reason?: string | null; recordedAt: number },
): number | null {
  const inserted = tx.insert(checkinRuns).values(row).onConflictDoNothing().returning({ id: checkinRuns.id }).get();
  return inserted?.id ?? null;
}

export function setRunOutcome(db: Db, guildId: string, runId: number, outcome: { status: 'posted'; messageId: string } | { status: 'failed'; reason: string }): void {
  writeTx(db, (tx) => {
    const run = tx
      .update(checkinRuns)
      .set(outcome.status === 'posted' ? { status: 'posted', messageId: outcome.messageId, reason: null } : { status: 'failed', reason: outcome.reason })
      .where(and(eq(checkinRuns.id, runId), eq(checkinRuns.guildId, guildId)))
      .returning()
      .get();
    if (run && outcome.status === 'posted') unlinkSupersededAnswers(tx, run);
  });
}

/**
 * A newer run is posted: answers of forgotten members to the runs it replaced lose their limit key
 * (no second answer is possible there any more) and are linked to nobody (`~` and the row id).
 */
export function unlinkSupersededAnswers(tx: Tx, posted: Run): void {
  tx.run(sql`
    UPDATE ${checkinAnswers} SET member_id = ${NO_MEMBER} || rowid
    WHERE schedule_id = ${posted.scheduleId} AND member_id >= ${LIMIT_KEY_PREFIX} AND member_id < ${LIMIT_KEYS_END}
      AND run_id IN (SELECT id FROM ${checkinRuns} WHERE schedule_id = ${posted.scheduleId} AND id <> ${posted.id} AND scheduled_for <= ${posted.scheduledFor})
  `);
}

/** A run takes answers once claimed (until a newer one replaces it): a queued one has already reached members east of its zone. */
export const TAKES_ANSWERS: ReadonlySet<Run['status']> = new Set(['posting', 'queued', 'posted']);

export function findRun(db: Reader, guildId: string, runId: number): Run | undefined {
  return answering(db).run.get({ id: runId, guildId });
}

/**
 * What a member's answer to a run needs, in one read (a mood click runs it): the run of this
 * server, its schedule, when the schedule's next run reached its channel (null while none has: see
 * `laterPostedRun`) and the member's answer so far. Undefined for a run of another server.
 */
export function runForAnswer(db: Reader, guildId: string, runId: number, memberId: string): { run: Run; schedule: Schedule; newerAt: number | null; answer: Answer | null } | undefined {
  return answering(db).forAnswer.get({ runId, guildId, memberId });
}

/** The run of the same schedule that came after this one and reached its channel, if any. */
export function laterPostedRun(db: Reader, run: Run): Run | undefined {
  return answering(db).laterPostedRun.get({ scheduleId: run.scheduleId, scheduledFor: run.scheduledFor, runId: run.id });
}

/** The newest run of a schedule that reached its channel: the one still taking answers. */
export function latestPostedRun(db: Reader, scheduleId: number): Run | undefined {
  return db
    .select()
    .from(checkinRuns)
    .where(and(eq(checkinRuns.scheduleId, scheduleId), eq(checkinRuns.status, 'posted')))
    .orderBy(desc(checkinRuns.scheduledFor), desc(checkinRuns.id))
    .limit(1)
    .get();
}

/** The most recent run of a schedule that was due (skipped dates and runs queued ahead of their moment left out). */
export function latestRun(db: Reader, scheduleId: number): Run | undefined {
  return db
    .select()
    .from(checkinRuns)
    .where(and(eq(checkinRuns.scheduleId, scheduleId), notInArray(checkinRuns.status, ['skipped', 'queued'])))
    .orderBy(desc(checkinRuns.scheduledFor))
    .limit(1)
    .get();
}

export type PostedRun = Pick<Run, 'id' | 'scheduledFor' | 'manual'>;

/** A schedule's runs in one status, oldest first (id, moment and whether a leader posted it by hand). */
function runsIn(status: 'posted' | 'queued', db: Reader, scheduleId: number): PostedRun[] {
  return db
    .select({ id: checkinRuns.id, scheduledFor: checkinRuns.scheduledFor, manual: checkinRuns.manual })
    .from(checkinRuns)
    .where(and(eq(checkinRuns.scheduleId, scheduleId), eq(checkinRuns.status, status)))
    .orderBy(asc(checkinRuns.scheduledFor), asc(checkinRuns.id))
    .all();
}

/** A schedule's posted runs, oldest first. */
export const postedRuns = (db: Reader, scheduleId: number) => runsIn('posted', db, scheduleId);

/** Direct-message runs claimed ahead of their moment (see `postQueuedRuns`), oldest first. */
export const queuedRuns = (db: Reader, scheduleId: number) => runsIn('queued', db, scheduleId);

export type RunAnswered = PostedRun & { answered: boolean; queued: boolean };

// Prepared once per database: a mood click reads it every time.
type RunRow = { id: number; scheduledFor: number; manual: number; answered: number; queued: number };
const newestFirst = new WeakMap<Db['$client'], Statement<[string, number], RunRow>>();

/**
 * A schedule's posted and queued runs, newest first, each with whether the member answered it with
 * a mood. Read one row at a time, so that a caller who has seen enough stops reading.
 */
export function* runsNewestFirst(db: Db, scheduleId: number, memberId: string): Generator<RunAnswered> {
  let statement = newestFirst.get(db.$client);
  if (!statement) {
    statement = db.$client.prepare<[string, number], RunRow>(`
      SELECT r.id AS id, r.scheduled_for AS scheduledFor, r.manual AS manual, r.status = 'queued' AS queued,
             EXISTS (SELECT 1 FROM checkin_answers a WHERE a.run_id = r.id AND a.member_id = ? AND a.mood IS NOT NULL) AS answered
      FROM checkin_runs r WHERE r.schedule_id = ? AND r.status IN ('posted', 'queued')
      ORDER BY r.scheduled_for DESC, r.id DESC`);
    newestFirst.set(db.$client, statement);
  }
  for (const row of statement.iterate(memberId, scheduleId)) {
    yield { id: row.id, scheduledFor: row.scheduledFor, manual: row.manual === 1, answered: row.answered === 1, queued: row.queued === 1 };
  }
}

/** How many different members answered (with a mood) any of these runs. */
export function membersAnswering(db: Reader, runIds: number[]): number {
  if (runIds.length === 0) return 0;
  return db
    .select({ count: sql<number>`count(DISTINCT ${checkinAnswers.memberId})` })
    .from(checkinAnswers)
    .where(and(inArray(checkinAnswers.runId, runIds), isNotNull(checkinAnswers.mood)))
    .get()!.count;
}

/** Every answer to these runs (used for a run and its re-posts, which count as one). */
export function answersTo(db: Reader, runIds: number[]): Answer[] {
  if (runIds.length === 0) return [];
  return db.select().from(checkinAnswers).where(inArray(checkinAnswers.runId, runIds)).all();
}

/** Runs a crash left in "posting" (recorded before `before`): they never reached Discord, or it is not known. */
export function failStuckRuns(db: Db, before: number, reason: string): number {
  return db
    .update(checkinRuns)
    .set({ status: 'failed', reason })
    .where(and(eq(checkinRuns.status, 'posting'), lt(checkinRuns.recordedAt, before)))
    .run().changes;
}

export function postedRunsBetween(db: Reader, scheduleId: number, from: number, to: number): Run[] {
  return db
    .select()
    .from(checkinRuns)
    .where(and(eq(checkinRuns.scheduleId, scheduleId), eq(checkinRuns.status, 'posted'), sql`${checkinRuns.scheduledFor} >= ${from}`, sql`${checkinRuns.scheduledFor} < ${to}`))
    .orderBy(asc(checkinRuns.scheduledFor), asc(checkinRuns.id))
    .all();
}

/** How many members picked each mood, per run, for a schedule's posted runs in [from, to). */
export function moodCounts(db: Reader, scheduleId: number, from: number, to: number): { runId: number; mood: number; count: number }[] {
  return db.all(sql`
    SELECT a.run_id AS runId, a.mood AS mood, count(*) AS count
    FROM checkin_runs r JOIN checkin_answers a ON a.run_id = r.id
    WHERE r.schedule_id = ${scheduleId} AND r.status = 'posted' AND r.scheduled_for >= ${from} AND r.scheduled_for < ${to} AND a.mood IS NOT NULL
    GROUP BY a.run_id, a.mood`);
}

/** Notes of the runs in [from, to), at most `perRun` per run (oldest answers first), and how many in all. */
export function notesBetween(
  db: Reader,
  scheduleId: number,
  from: number,
  to: number,
  perRun: number,
): { notes: { runId: number; memberId: string; note: string }[]; totals: Map<number, number> } {
  const notes = db.all<{ runId: number; memberId: string; note: string; total: number }>(sql`
    SELECT runId, memberId, note, total FROM (
      SELECT a.run_id AS runId, a.member_id AS memberId, a.note AS note,
             row_number() OVER (PARTITION BY a.run_id ORDER BY a.answered_at, a.member_id) AS position,
             count(*) OVER (PARTITION BY a.run_id) AS total
      FROM checkin_runs r JOIN checkin_answers a ON a.run_id = r.id
      WHERE r.schedule_id = ${scheduleId} AND r.status = 'posted' AND r.scheduled_for >= ${from} AND r.scheduled_for < ${to} AND a.note IS NOT NULL
    ) WHERE position <= ${perRun}`);
  const totals = new Map<number, number>();
  for (const n of notes) totals.set(n.runId, n.total);
  return { notes: notes.map(({ runId, memberId, note }) => ({ runId, memberId, note })), totals };
}

// ---------------------------------------------------------------- answers

export function findAnswer(db: Reader, runId: number, memberId: string): Answer | undefined {
  return answering(db).answer.get({ runId, memberId });
}

/** Stores a member's mood, or their note, on a run (the other one, if already there, stays). */
export function saveAnswer(tx: Reader, run: Run, memberId: string, change: { mood: number; note?: never } | { note: string | null; mood?: never }, now: number): void {
  const row = { runId: run.id, memberId, scheduleId: run.scheduleId, guildId: run.guildId, now };
  if ('mood' in change) answering(tx).saveMood.run({ ...row, mood: change.mood });
  else answering(tx).saveNote.run({ ...row, note: change.note });
}

/** Of the given runs, those the member answered with a mood. */
export function answeredRunIds(db: Reader, scheduleId: number, memberId: string): Set<number> {
  const rows = db
    .select({ runId: checkinAnswers.runId })
    .from(checkinAnswers)
    .where(and(eq(checkinAnswers.scheduleId, scheduleId), eq(checkinAnswers.memberId, memberId), isNotNull(checkinAnswers.mood)))
    .all();
  return new Set(rows.map((r) => r.runId));
}

// ---------------------------------------------------------------- skipped dates

export function addSkip(db: Reader, row: { scheduleId: number; guildId: string; date: string; createdBy: string }): boolean {
  return db.insert(checkinSkips).values(row).onConflictDoNothing().run().changes === 1;
}

/** Skipped dates of several schedules at once (catch-up reads them for a whole batch). */
export function skipDatesOf(db: Reader, scheduleIds: number[]): Map<number, Set<string>> {
  const byId = new Map<number, Set<string>>();
  if (scheduleIds.length === 0) return byId;
  const rows = db.select({ scheduleId: checkinSkips.scheduleId, date: checkinSkips.date }).from(checkinSkips).where(inArray(checkinSkips.scheduleId, scheduleIds)).all();
  for (const r of rows) {
    let dates = byId.get(r.scheduleId);
    if (!dates) byId.set(r.scheduleId, (dates = new Set()));
    dates.add(r.date);
  }
  return byId;
}

export function skipDates(db: Reader, scheduleId: number): Set<string> {
  return new Set(db.select({ date: checkinSkips.date }).from(checkinSkips).where(eq(checkinSkips.scheduleId, scheduleId)).all().map((r) => r.date));
}
