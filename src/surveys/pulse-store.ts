// Queries of pulse surveys: their schedules, and the surveys that are their rounds.
import { and, asc, eq, isNotNull, lte, sql } from 'drizzle-orm';
import type { Tx } from '../db/write-tx';
import { NO_MEMBER } from '../member-data';
import { surveyPulses, surveyQuestions, surveys } from './schema';
import type { Reader, Survey } from './store';

export type Pulse = typeof surveyPulses.$inferSelect;
export type NewPulse = Omit<typeof surveyPulses.$inferInsert, 'id'>;

export function pulseOfSurvey(db: Reader, guildId: string, surveyId: number): Pulse | undefined {
  return db.select().from(surveyPulses).where(and(eq(surveyPulses.guildId, guildId), eq(surveyPulses.surveyId, surveyId))).get();
}

export function pulseById(db: Reader, guildId: string, pulseId: number): Pulse | undefined {
  return db.select().from(surveyPulses).where(and(eq(surveyPulses.guildId, guildId), eq(surveyPulses.id, pulseId))).get();
}

/** Creates the survey's schedule, or replaces its timing (rounds already held stay counted). */
export function upsertPulse(tx: Tx, pulse: NewPulse): void {
  const { guildId: _g, surveyId: _s, rounds: _r, createdAt: _c, ...timing } = pulse;
  tx.insert(surveyPulses).values(pulse).onConflictDoUpdate({ target: surveyPulses.surveyId, set: timing }).run();
}

/** A forgotten member's pulse schedules stay (their rounds are everyone's), no longer naming them. */
export function unlinkPulsesOf(tx: Tx, guildId: string, memberId: string): void {
  tx.update(surveyPulses).set({ createdBy: NO_MEMBER }).where(and(eq(surveyPulses.guildId, guildId), eq(surveyPulses.createdBy, memberId))).run();
}

export function stopPulse(tx: Tx, pulseId: number): boolean {
  return tx.update(surveyPulses).set({ nextRoundAt: null }).where(and(eq(surveyPulses.id, pulseId), isNotNull(surveyPulses.nextRoundAt))).run().changes === 1;
}

export function nextPulseAt(db: Reader): number | null {
  return db.select({ at: sql<number | null>`min(${surveyPulses.nextRoundAt})` }).from(surveyPulses).where(isNotNull(surveyPulses.nextRoundAt)).get()?.at ?? null;
}

export function duePulses(db: Reader, now: number, limit: number): Pulse[] {
  return db.select().from(surveyPulses).where(lte(surveyPulses.nextRoundAt, now)).orderBy(asc(surveyPulses.nextRoundAt)).limit(limit).all();
}

/** Moves a pulse to its next round if it is still where the caller read it (a second timer or process changes nothing). */
export function advancePulse(tx: Tx, pulse: Pulse, next: number): boolean {
  return tx
    .update(surveyPulses)
    .set({ nextRoundAt: next, rounds: pulse.rounds + 1 })
    .where(and(eq(surveyPulses.id, pulse.id), eq(surveyPulses.nextRoundAt, pulse.nextRoundAt!), eq(surveyPulses.rounds, pulse.rounds)))
    .run().changes === 1;
}

/** A fresh, open survey with the source's questions: one round of the pulse. */
export function insertRound(tx: Tx, source: Survey, pulse: Pulse, round: number, fields: { closesAt: number; respondentSecret: string | null; now: number }): number {
  const { id } = tx
    .insert(surveys)
    .values({
      guildId: source.guildId,
      creatorId: source.creatorId,
      title: source.title,
      description: source.description,
      anonymous: source.anonymous,
      status: 'open',
      channelId: pulse.channelId,
      createdAt: fields.now,
      publishedAt: fields.now,
      closesAt: fields.closesAt,
      respondentSecret: fields.respondentSecret,
      remindUnfinished: source.remindUnfinished,
      pulseId: pulse.id,
      round,
    })
    .returning({ id: surveys.id })
    .get();
  tx.run(sql`
    INSERT INTO ${surveyQuestions} (survey_id, guild_id, position, kind, prompt, choices, required)
    SELECT ${id}, guild_id, position, kind, prompt, choices, required FROM ${surveyQuestions} WHERE survey_id = ${source.id}
  `);
  return id;
}

/** The rounds of a pulse, oldest first. */
export function roundsOf(db: Reader, guildId: string, pulseId: number): Survey[] {
  return db.select().from(surveys).where(and(eq(surveys.guildId, guildId), eq(surveys.pulseId, pulseId))).orderBy(asc(surveys.round)).all();
}
