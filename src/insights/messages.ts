// Insights' Discord side: the member count it divides by, the digest's outbox handler and its DueTask.
import { PermissionFlagsBits } from 'discord.js';
import type { AppContext } from '../context';
import { missingPermissions, POSTING } from '../bot/permissions';
import { audienceView } from '../bot/visibility';
import { effectChannel, effectNonce, EffectImpossible, type EffectHandler } from '../outbox/delivery';
import type { DueTask } from '../scheduler/scheduler';
import { checkpointerFor } from '../db/checkpointer';
import { buildDigest, digestOf, INSIGHTS_DIGEST, nextDigestDueAt, recordDigestFailed, recordDigestPosted, settleDueDigests, type DigestMoment } from './digest';
import { catchUpRollup } from './rollup';
import { renderDigest } from './view';

/** The server's member count as Discord gives it now (the cached one is from start-up); null when it does not say. */
export async function memberCountOf(ctx: AppContext, guildId: string): Promise<number | null> {
  const fresh = await ctx.client.guilds.fetch({ guild: guildId, force: true, withCounts: true }).catch((error: unknown) => {
    ctx.logger.debug({ err: error, guild: guildId }, 'no member count for insights');
    return null;
  });
  return fresh?.approximateMemberCount ?? fresh?.memberCount ?? ctx.client.guilds.cache.get(guildId)?.memberCount ?? null;
}

/**
 * The outbox handler that posts one period's digest where the server's digest goes now. A digest
 * switched off or changed since is not posted; a channel that is gone or a missing permission is
 * recorded for `/settings show` (the outbox drops the effect and calls `dropped`).
 */
function digestPost(ctx: AppContext): EffectHandler {
  return {
    describe: (effect) => `the insights digest for ${String((effect.payload as unknown as DigestMoment).label)}`,
    async deliver(effect) {
      const moment = effect.payload as unknown as DigestMoment;
      const digest = digestOf(ctx.db, effect.guildId);
      if (!digest || digest.lastPeriod !== moment.period || digest.lastStatus === 'posted') return; // switched off, changed, or already posted
      const channel = effectChannel(ctx.client, effect.guildId, digest.channelId);
      const missing = missingPermissions(channel, POSTING);
      if (missing.length) throw new EffectImpossible(`Hearth is missing the ${missing.join(', ')} permission in <#${digest.channelId}>`);
      const chart = missingPermissions(channel, [PermissionFlagsBits.AttachFiles]).length === 0;
      await catchUpRollup(ctx.db, effect.guildId, ctx.clock.now());
      const report = buildDigest(ctx.db, effect.guildId, moment, ctx.clock.now(), await memberCountOf(ctx, effect.guildId), audienceView(channel));
      const message = await channel.send({ ...renderDigest(report, { chart }), nonce: effectNonce(effect), enforceNonce: true });
      recordDigestPosted(ctx.db, effect.guildId, moment.period, message.id, ctx.clock.now());
    },
    dropped(effect, reason) {
      recordDigestFailed(ctx.db, effect.guildId, String((effect.payload as unknown as DigestMoment).period), reason, ctx.clock.now());
    },
  };
}

export const insightsEffects = (ctx: AppContext): Record<string, EffectHandler> => ({ [INSIGHTS_DIGEST]: digestPost(ctx) });

// A round claims due digests a few at a time, each step one short transaction sized to about
// STEP_MS, with a pause after each so that waiting interactions run in between.
const FIRST_BATCH = 10;
const STEP_MS = 4;
const ROUND_BUDGET_MS = 2_000;
const yieldToOthers = () => new Promise<void>((resolve) => setImmediate(resolve));

/** Queues each server's digest at its time (once per period), and records periods missed by more than a day as skipped. */
export function insightsDigestTask(ctx: AppContext): DueTask {
  return {
    name: 'insights digests',
    nextDueAt: () => nextDigestDueAt(ctx.db),
    async runDue(now, stopping) {
      const moments = new Map();
      const deadline = performance.now() + ROUND_BUDGET_MS;
      let batch = FIRST_BATCH;
      for (;;) {
        if (stopping()) return; // what is not looked at yet is still due at the next start
        const started = performance.now();
        const { looked, skipped } = settleDueDigests(ctx.db, now, batch, moments);
        // A round writes a thousand outbox rows and more: the log is folded into the file in the
        // background after each step, so SQLite's own checkpoint never runs (and syncs) on this thread.
        checkpointerFor(ctx.db).request('PASSIVE');
        for (const { guildId, period } of skipped) ctx.logger.info({ guild: guildId, period }, 'insights digest skipped: more than a day late');
        if (looked < batch || performance.now() >= deadline) return; // the rest stays due: the scheduler comes back after the other tasks
        const took = Math.max(performance.now() - started, 0.1);
        batch = Math.round(Math.min(200, Math.max(5, (batch + (batch * STEP_MS) / took) / 2)));
        await yieldToOthers();
      }
    },
  };
}
