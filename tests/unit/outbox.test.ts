import { describe, expect, it } from 'vitest';
import pino from 'pino';
import { DiscordAPIError, HTTPError } from 'discord.js';
import { eq } from 'drizzle-orm';
import { openDatabase } from '../../src/db/open';
import { writeTx } from '../../src/db/write-tx';
import { effectNonce, Outbox, type EffectHandler, type StoredEffect } from '../../src/outbox/delivery';
import { Pace } from '../../src/outbox/pace';
import { directMessagePayload, queueDirectMessages, queueEffect, removeDirectMessagesTo } from '../../src/outbox/queue';
import { outbox } from '../../src/outbox/schema';
import { markDelivered, takeDueEffect } from '../../src/outbox/store';

const HOUR = 3_600_000;

function setUp(start = 1_000_000) {
  const db = openDatabase(':memory:');
  let now = start;
  const clock = { now: () => now, at: () => () => {} };
  const outboxUnderTest = new Outbox(db, clock, pino({ level: 'silent' }), () => {});
  const queue = (key: string, guildId = 'g1', kind = 'test.post') => writeTx(db, (tx) => queueEffect(tx, { key, guildId, kind, payload: { key } }, now));
  const row = (key: string) => db.select().from(outbox).where(eq(outbox.key, key)).get()!;
  /** One scheduler round, then every delivery it started has ended. */
  const round = async () => {
    await outboxUnderTest.task.runDue(now, () => false);
    await outboxUnderTest.idle();
  };
  return { db, outbox: outboxUnderTest, queue, row, round, advance: (ms: number) => (now += ms), now: () => now };
}

const apiError = (status: number, code: number, message: string) =>
  new DiscordAPIError({ code, message }, code, status, 'POST', 'https://discord.test/api/v10/channels/1/messages', { body: undefined, files: undefined });

describe('the outbox', () => {
  it('queues a batch of direct messages as one effect each, a recipient queued already left as it was, each found again by its recipient', () => {
    const t = setUp();
    const batch = { guildId: 'g1', kind: 'test.dm', keyPrefix: 'test.dm:7:', payload: { runId: 7 }, dueAt: t.now() + HOUR };
    expect(writeTx(t.db, (tx) => queueDirectMessages(tx, { ...batch, recipients: ['u1', 'u2'] }, t.now()))).toBe(2);
    expect(writeTx(t.db, (tx) => queueDirectMessages(tx, { ...batch, recipients: ['u2', 'u3'], dueAt: t.now() }, t.now()))).toBe(1);
    expect(writeTx(t.db, (tx) => queueDirectMessages(tx, { ...batch, recipients: [] }, t.now()))).toBe(0);
    expect(writeTx(t.db, (tx) => queueDirectMessages(tx, { ...batch, keyPrefix: 'test.dm:8:', recipients: ['u4', 'u4'] }, t.now()))).toBe(1);
    expect(t.row('test.dm:7:u2')).toMatchObject({ guildId: 'g1', kind: 'test.dm', status: 'pending', dueAt: t.now() + HOUR });
    expect(t.row('test.dm:7:u3').dueAt).toBe(t.now());
    for (const user of ['u1', 'u2', 'u3']) expect(JSON.parse(t.row(`test.dm:7:${user}`).payload)).toEqual(directMessagePayload(user, { runId: 7 }));
    expect(writeTx(t.db, (tx) => removeDirectMessagesTo(tx, 'g1', 'u2'))).toBe(1);
    expect(t.db.select().from(outbox).all().map((r) => r.key).sort()).toEqual(['test.dm:7:u1', 'test.dm:7:u3', 'test.dm:8:u4']);
  });

  it('retries an effect whose kind has no handler (an older or newer Hearth queued it) and gives up only after a day', async () => {
    const t = setUp();
    t.queue('unknown:1', 'g1', 'from.the.future');
    await t.round();
    expect(t.row('unknown:1')).toMatchObject({ status: 'pending', attempts: 1 });
    t.advance(25 * HOUR);
    await t.round();
    expect(t.row('unknown:1')).toMatchObject({ status: 'dropped' });
    expect(t.row('unknown:1').lastError).toContain('Hearth kept trying for a day');
  });

  it('drops a request Discord will refuse again (a 400), and retries a refused token (401) and a server error', async () => {
    const t = setUp();
    const failures: Record<string, unknown> = {
      'bad:1': apiError(400, 50035, 'Invalid Form Body'),
      'token:1': apiError(401, 0, '401: Unauthorized'),
      'outage:1': new HTTPError(503, 'Service Unavailable', 'POST', 'https://discord.test/api/v10/channels/1/messages', { body: undefined, files: undefined }),
    };
    t.outbox.handle('test.post', { describe: () => 'a test post', deliver: async (effect) => Promise.reject(failures[effect.key]) });
    for (const [key, guild] of [['bad:1', 'g1'], ['token:1', 'g2'], ['outage:1', 'g3']] as const) t.queue(key, guild);
    await t.round();
    expect(t.row('bad:1')).toMatchObject({ status: 'dropped', lastError: 'Discord answered 400: Invalid Form Body' });
    expect(t.row('token:1')).toMatchObject({ status: 'pending', dueAt: t.now() + 60_000 });
    expect(t.row('outage:1')).toMatchObject({ status: 'pending', dueAt: t.now() + 60_000 });
  });

  it('serves servers in turn: servers with long backlogs get one delivery at a time, and a quiet one its turn', async () => {
    const t = setUp();
    const delivered: string[] = [];
    t.outbox.handle('test.post', { describe: () => 'a test post', deliver: async (effect) => void delivered.push(effect.guildId) });
    for (const busy of ['a', 'b', 'c', 'd', 'e', 'f']) for (let i = 0; i < 10; i++) t.queue(`${busy}:${i}`, busy);
    t.advance(1);
    t.queue('quiet:1', 'z'); // queued later, by a server that sorts last
    await t.round();
    expect(delivered).toHaveLength(61);
    expect(delivered.indexOf('z')).toBeLessThan(8); // its turn comes in the first rotation, not after 60 others
    expect(new Set(delivered.slice(0, 7))).toEqual(new Set(['a', 'b', 'c', 'd', 'e', 'f', 'z']));
  });

  it('while direct messages wait for their pace, the same server\'s other effects and other servers go on, and the next one is due when the pace allows', async () => {
    const t = setUp();
    const delivered: string[] = [];
    const pace = new Pace(20);
    t.outbox.handle('test.dm', { describe: () => 'a test message', pace, deliver: async (effect) => void delivered.push(effect.key) });
    t.outbox.handle('test.post', { describe: () => 'a test post', deliver: async (effect) => void delivered.push(effect.key) });
    for (let i = 0; i < 2000; i++) t.queue(`dm:${String(i).padStart(4, '0')}`, 'big', 'test.dm');
    t.advance(1);
    t.queue('post:big', 'big');
    t.queue('post:other', 'other');
    await t.round();
    await t.round();
    expect(delivered.filter((key) => key.startsWith('dm:'))).toEqual(['dm:0000']); // at 20 a second, one now and the next 50 ms on
    expect(delivered.indexOf('post:big')).toBeLessThan(delivered.indexOf('dm:0000')); // queued after 2,000 messages of its server, sent before them
    expect(delivered).toContain('post:other');
    expect(t.outbox.task.nextDueAt()).toBe(t.now() + 50); // the pace's next slot: at 20 a second, one every 50 ms
    t.advance(50);
    await t.round();
    expect(delivered.at(-1)).toBe('dm:0001');
  });

  it('with many servers, a long due backlog and rows waiting for later, every server gets its turn and the waiting rows set the next look', async () => {
    const t = setUp();
    const delivered: string[] = [];
    t.outbox.handle('test.post', { describe: () => 'a test post', deliver: async (effect) => void delivered.push(effect.key) });
    const servers = Array.from({ length: 40 }, (_, i) => `s${String(i).padStart(2, '0')}`);
    for (const server of servers) for (let i = 0; i < 10; i++) t.queue(`${server}:${i}`, server); // 400 due: past the walk
    for (let i = 0; i < 50; i++) {
      writeTx(t.db, (tx) => queueEffect(tx, { key: `later:${i}`, guildId: `w${i}`, kind: 'test.post', payload: {}, dueAt: t.now() + HOUR }, t.now()));
    }
    await t.round();
    expect(delivered).toHaveLength(400);
    expect(new Set(delivered.slice(0, 40).map((key) => key.split(':')[0]))).toEqual(new Set(servers)); // one each before anyone's second
    expect(t.outbox.task.nextDueAt()).toBe(t.now() + HOUR);
    t.advance(HOUR);
    await t.round();
    expect(delivered).toHaveLength(450);
  });

  it('ignores the outcome of a delivery whose lease another worker took over since', () => {
    const t = setUp();
    t.queue('slow:1');
    const first = takeDueEffect(t.db, 'g1', 'test.post', t.now(), t.now() + 1) as StoredEffect; // a lease that runs out at once
    t.advance(10);
    const second = takeDueEffect(t.db, 'g1', 'test.post', t.now(), t.now() + 180_000) as StoredEffect;
    expect(second.attempts).toBe(2);
    markDelivered(t.db, first, t.now()); // the first worker comes back late: changes nothing
    expect(t.row('slow:1')).toMatchObject({ status: 'pending', attempts: 2 });
    markDelivered(t.db, second, t.now());
    expect(t.row('slow:1').status).toBe('delivered');
  });

  it('forgets finished effects after 30 days, and never a pending one', async () => {
    const t = setUp();
    const handler: EffectHandler = { describe: () => 'a test post', deliver: async () => {} };
    t.outbox.handle('test.post', handler);
    t.queue('done:1');
    await t.round();
    t.queue('later:1', 'g2');
    writeTx(t.db, (tx) => tx.update(outbox).set({ dueAt: t.now() + 40 * 24 * HOUR }).where(eq(outbox.key, 'later:1')).run());
    t.advance(31 * 24 * HOUR);
    await t.round();
    expect(t.db.select({ key: outbox.key }).from(outbox).all()).toEqual([{ key: 'later:1' }]);
  });

  it('gives each effect a nonce of at most 25 characters that is the same on every try', () => {
    const t = setUp();
    t.queue('poll.final-results:12');
    const effect = takeDueEffect(t.db, 'g1', 'test.post', t.now(), t.now() + 1)!;
    expect(effectNonce(effect)).toHaveLength(25);
    expect(effectNonce({ ...effect, attempts: 5 })).toBe(effectNonce(effect));
    expect(effectNonce({ ...effect, key: 'poll.final-results:13' })).not.toBe(effectNonce(effect));
  });
});
