import { describe, expect, it } from 'vitest';
import { and, eq, sql } from 'drizzle-orm';
import { useHearth } from '../support/setup';
import { writeTx } from '../../src/db/write-tx';
import { checkinSchedules, checkinSubscriptions } from '../../src/checkins/schema';
import { outbox } from '../../src/outbox/schema';

const SUBSCRIBERS = 5000;

describe('a direct-message check-in run to 5,000 subscribers, with a restart in the middle', () => {
  const world = useHearth({ env: { DM_RATE: '1000' } });

  it('queues every message at the run, sends the rest after the restart, and none twice', async () => {
    const { hearth, leader } = world;
    await leader.run('checkin schedule', { channel: { id: hearth.general.id }, when: 'daily 13:00', prompt: 'Big run?', delivery: 'direct-message' });
    const db = () => hearth.context.db;
    const schedule = db().select().from(checkinSchedules).get()!;
    const members = Array.from({ length: SUBSCRIBERS }, (_, i) => hearth.member(`big${i}`));
    // Set-up: 5,000 members subscribing one by one would test nothing more than the 12 of the other file.
    writeTx(db(), (tx) => {
      for (const m of members) tx.insert(checkinSubscriptions).values({ scheduleId: schedule.id, guildId: schedule.guildId, memberId: m.id, subscribedAt: 0 }).run();
    });
    const count = (status?: 'pending' | 'delivered') =>
      db().select({ n: sql<number>`count(*)` }).from(outbox).where(and(eq(outbox.kind, 'checkin.direct-message'), status ? eq(outbox.status, status) : undefined)).get()!.n;

    await hearth.clock.set(schedule.nextRunAt!);
    await hearth.runDueWork();
    expect(count()).toBe(SUBSCRIBERS); // all queued with the run
    expect(count('delivered')).toBe(66); // the pace: a fifteenth of a second's worth at once, then one every 1/DM_RATE of a second
    /** Time passes 5 ms at a time (five more may go) until `until` are sent; how much time passed. */
    const sendUntil = async (until: number) => {
      let ms = 0;
      for (; count('delivered') < until && ms < 10_000; ms += 5) {
        await hearth.clock.advance(5);
        await hearth.runDueWork();
      }
      return ms;
    };
    const took = await sendUntil(2000);
    expect(count('delivered')).toBe(2000);
    expect(took).toBeGreaterThanOrEqual(1930); // 1,934 more at 1,000 a second: about two seconds
    expect(took).toBeLessThanOrEqual(1940);

    await hearth.restart();
    await sendUntil(SUBSCRIBERS);
    expect(count('delivered')).toBe(SUBSCRIBERS);
    const received = members.map((m) => hearth.double.directMessages(m.id).length);
    expect(received.filter((n) => n !== 1)).toEqual([]);
  }, 300_000);
});
