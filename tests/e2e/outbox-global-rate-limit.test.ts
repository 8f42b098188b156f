import { describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { eventually, textOf } from '../support/harness';
import { useHearth } from '../support/setup';
import { outbox } from '../../src/outbox/schema';

describe("Discord's limit on all of the bot's requests holds the whole outbox", () => {
  const world = useHearth(); // 2026-11-25 12:00 UTC
  const messages = () => world.hearth.context.db.select().from(outbox).where(eq(outbox.kind, 'checkin.direct-message')).all();

  it('after a global 429 no other direct message is tried until it passes; then every subscriber gets theirs once', async () => {
    const { hearth, leader } = world;
    await leader.run('checkin schedule', { channel: { id: hearth.general.id }, when: 'daily 09:00', prompt: 'Limited?', delivery: 'direct-message' });
    await hearth.runDueWork(); // the announcement
    const announcement = hearth.double.channelMessages(hearth.general.id).find((m) => textOf(m).includes('Limited?'))!;
    const members = ['ada', 'ben', 'cy'].map((name) => hearth.member(name));
    for (const member of members) await member.click(announcement, 'Subscribe');

    hearth.double.rateLimitNext('POST', /^\/channels\/\d+\/messages$/, 0.05, 1, true);
    const logsBefore = hearth.logs.length;
    await hearth.clock.set(Date.UTC(2026, 10, 26, 9));
    await hearth.runDueWork();
    // One try met the limit; the others were left alone instead of each meeting it in turn.
    expect(messages().map((m) => m.lastError ?? 'untried').sort()).toEqual(['rate limited for 100 ms', 'untried', 'untried']);
    expect(hearth.logs.slice(logsBefore).filter((line) => line.includes('a Discord side effect must wait'))).toHaveLength(1);
    expect(members.map((m) => m.directMessages().length)).toEqual([0, 0, 0]);

    // discord.js keeps the limit in real time: once it has passed, the outbox goes on.
    await eventually(() => Date.now() > hearth.context.client.rest.globalReset, "the global limit's end");
    await hearth.clock.advance(1000);
    await hearth.runDueWork();
    expect(members.map((m) => m.directMessages().length)).toEqual([1, 1, 1]);
    expect(messages().every((m) => m.status === 'delivered')).toBe(true);
  });
});
