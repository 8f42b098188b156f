// The queries of survey follow-ups (survey_follow_ups), always scoped to a server.
import { and, eq, inArray, sql } from 'drizzle-orm';
import type { Db } from '../db/open';
import type { Tx } from '../db/write-tx';
import type { FollowUpRecord } from '../follow-ups';
import { surveyFollowUps } from './schema';

type Reader = Db | Tx;

export type SurveyFollowUp = FollowUpRecord & { surveyId: number; guildId: string; message: string };

export function findFollowUp(db: Reader, guildId: string, surveyId: number): SurveyFollowUp | undefined {
  return db.select().from(surveyFollowUps).where(and(eq(surveyFollowUps.guildId, guildId), eq(surveyFollowUps.surveyId, surveyId))).get();
}

/** Stores the message as the survey's follow-up (a new one at revision 1, or the next revision); returns the revision. */
export function upsertFollowUp(tx: Tx, guildId: string, surveyId: number, message: string, now: number): number {
  const row = tx
    .insert(surveyFollowUps)
    .values({ surveyId, guildId, message, revision: 1, createdAt: now, updatedAt: now })
    .onConflictDoUpdate({ target: surveyFollowUps.surveyId, set: { message, revision: sql`${surveyFollowUps.revision} + 1`, updatedAt: now } })
    .returning({ revision: surveyFollowUps.revision })
    .get();
  return row!.revision;
}

/** Records the posted message, once: false when another delivery recorded one first. */
export function setFollowUpMessage(tx: Tx, guildId: string, surveyId: number, messageId: string): boolean {
  return (
    tx
      .update(surveyFollowUps)
      .set({ messageId })
      .where(and(eq(surveyFollowUps.guildId, guildId), eq(surveyFollowUps.surveyId, surveyId), sql`${surveyFollowUps.messageId} IS NULL`))
      .run().changes === 1
  );
}

/** Which of these surveys have a follow-up (asked for, posted or not). */
export function followedUpSurveys(db: Reader, guildId: string, surveyIds: readonly number[]): Set<number> {
  const found = new Set<number>();
  for (let i = 0; i < surveyIds.length; i += 500) {
    const rows = db
      .select({ surveyId: surveyFollowUps.surveyId })
      .from(surveyFollowUps)
      .where(and(eq(surveyFollowUps.guildId, guildId), inArray(surveyFollowUps.surveyId, surveyIds.slice(i, i + 500))))
      .all();
    for (const row of rows) found.add(row.surveyId);
  }
  return found;
}
