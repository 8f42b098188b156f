// A server's retention: member-written text and the links between members and their votes and
// answers go once older than the server's limit, every day, keeping every count.
import type { Db } from '../db/open';
import { checkpointerFor } from '../db/checkpointer';
import { writeTx } from '../db/write-tx';
import type { Logger } from '../logger';
import { UserError } from '../user-error';
import { plural, timestamp } from '../format';
import { FEATURE_NAMES, FEATURES } from './features';
import { addCounts, checkpointed, inSteps, type Pace } from './steps';
import { deleteRetention, dueRetention, finishRetention, readRetention, writeRetention, type Retention } from './store';

export const RETENTION_MONTHS = { min: 1, max: 120 } as const;
const DAY_MS = 24 * 3_600_000;

/** The moment `months` calendar months (UTC) before `now`: what is older goes. */
export function retentionCutoff(now: number, months: number): number {
  const date = new Date(now);
  date.setUTCMonth(date.getUTCMonth() - months);
  return date.getTime();
}

export function retentionOf(db: Db, guildId: string): Retention | null {
  return readRetention(db, guildId) ?? null;
}

/**
 * Switches retention on (months), changes it, or switches it off (null). The first pass after
 * switching it on runs at once; after that, every day.
 */
export function setRetention(db: Db, guildId: string, months: number | null, now: number): Retention | null {
  if (months === null) {
    deleteRetention(db, guildId);
    return null;
  }
  if (!Number.isInteger(months) || months < RETENTION_MONTHS.min || months > RETENTION_MONTHS.max) {
    throw new UserError(`Retention is a whole number of months from ${RETENTION_MONTHS.min} to ${RETENTION_MONTHS.max} (10 years). Leave \`months\` out to switch it off. Nothing was changed.`);
  }
  writeRetention(db, guildId, months, now);
  return readRetention(db, guildId)!;
}

/** The retention in force, in plain words (for `/privacy info`, exports and `/settings show`). */
export function retentionInWords(retention: Retention | null, now?: number): string {
  if (!retention) return 'Off: what members write and their votes and answers are kept until a member or a leader deletes them.';
  const since = now === undefined ? '' : ` (today: anything from before ${timestamp(retentionCutoff(now, retention.months), 'D')})`;
  const last = retention.lastRunAt === null ? ' The first pass runs within minutes.' : ` Last pass ${timestamp(retention.lastRunAt, 'R')}.`;
  return (
    `${plural(retention.months, 'month')}: every day, check-in notes, written survey answers and kudos messages older than that are removed${since}, ` +
    'and older votes and answers in closed polls and surveys and older check-in answers are no longer linked to anyone. ' +
    `Counts, results, reports and leaderboards stay the same.${last}`
  );
}

/** One step of a pass: one batch in the first feature that still has work, in its own transaction. */
function retentionStep(db: Db, guildId: string, before: number, limit: number, total: Record<string, number>): boolean {
  for (const name of FEATURE_NAMES) {
    const batch = writeTx(db, (tx) => FEATURES[name].applyRetention(tx, guildId, before, limit));
    addCounts(total, batch.changed, `${name}.`);
    if (batch.more) return true;
  }
  return false;
}

/**
 * The daily passes: each due server in steps, within the round's time budget; a pass cut short
 * (budget or stop) goes on in the next round, also after a restart (its time is still due).
 */
export function retentionPasses(db: Db, logger: Logger) {
  const progress = new Map<string, Record<string, number>>(); // counts of passes under way, for the log
  return {
    async runDue(now: number, pace: Pace): Promise<void> {
      const started = performance.now();
      for (const [i, retention] of dueRetention(db, now).entries()) {
        const left = pace.budgetMs - (performance.now() - started);
        if (pace.stopping() || (i > 0 && left <= 0)) return; // each round moves at least one step on
        const total = progress.get(retention.guildId) ?? {};
        progress.set(retention.guildId, total);
        const before = retentionCutoff(now, retention.months);
        const done = await inSteps(checkpointed(db, (limit) => retentionStep(db, retention.guildId, before, limit, total)), { ...pace, budgetMs: left });
        if (!done) return;
        progress.delete(retention.guildId);
        finishRetention(db, retention, now, now + DAY_MS);
        const changed = Object.values(total).reduce((a, b) => a + b, 0);
        // What a pass removed is months old: it sat in the database file, not in the write-ahead log,
        // so a passive checkpoint (in the background) is enough to overwrite it there. A TRUNCATE
        // would block every writer, interactions included, while it syncs the file.
        if (changed) checkpointerFor(db).request('PASSIVE');
        const line = { guild: retention.guildId, months: retention.months, before: new Date(before).toISOString(), ...total };
        if (retention.lastRunAt === null) logger.info(line, `retention switched on: the first pass changed ${changed} rows`);
        else if (changed) logger.info(line, `retention pass changed ${changed} rows`);
      }
    },
  };
}
