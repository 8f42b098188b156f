// Queries survey reminders need beyond the survey store: the `remind: on` flag, and lookups by id alone.
import { eq } from 'drizzle-orm';
import type { Tx } from '../db/write-tx';
import { surveys } from './schema';
import type { Reader, Survey } from './store';

export function setRemindUnfinished(tx: Tx, surveyId: number): void {
  tx.update(surveys).set({ remindUnfinished: true }).where(eq(surveys.id, surveyId)).run();
}

/** A survey by id in any server: a click in a direct message names no server, the stored row does. */
export function surveyById(db: Reader, surveyId: number): Survey | undefined {
  return db.select().from(surveys).where(eq(surveys.id, surveyId)).get();
}
