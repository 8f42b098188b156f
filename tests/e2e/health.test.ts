import Database from 'better-sqlite3';
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { isEphemeral, type StoredMessage } from '../support/harness';
import { useHearth } from '../support/setup';
import { freePort } from '../support/ports';

const VERSION = (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;

describe('health and metrics (HEALTH_PORT)', () => {
  const env: Record<string, string> = {};
  beforeAll(async () => {
    env.HEALTH_PORT = String(await freePort());
  });
  const world = useHearth({ env });

  const get = (path: string, init?: RequestInit) => fetch(`http://127.0.0.1:${env.HEALTH_PORT}${path}`, init);
  async function health(): Promise<{ code: number; body: Record<string, unknown> & { failing: string[] } }> {
    const response = await get('/healthz');
    return { code: response.status, body: (await response.json()) as Record<string, unknown> & { failing: string[] } };
  }
  /** Polls /healthz until it answers `code` (the bot reconnects on its own timers, not the test's). */
  async function healthBecomes(code: number) {
    for (let tries = 0; tries < 300; tries++) {
      const seen = await health();
      if (seen.code === code) return seen.body;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    throw new Error(`/healthz did not answer ${code} within 15 s`);
  }
  /** One sample's value from /metrics, 0 when it is not there yet. */
  async function sample(name: string): Promise<number> {
    const text = await (await get('/metrics')).text();
    const line = text.split('\n').find((l) => l.startsWith(`${name} `));
    return line ? Number(line.slice(name.length + 1)) : 0;
  }

  it('answers 200 with the gateway, the database, the last scheduler round and the version while all is well', async () => {
    const { code, body } = await health();
    expect(code).toBe(200);
    expect(body).toMatchObject({ status: 'ok', failing: [], version: VERSION, gateway: { ok: true }, database: { ok: true }, scheduler: { ok: true } });
    expect(new Date((body.scheduler as { lastTick: string }).lastTick).getTime()).toBe(world.hearth.clock.now());
  });

  it('turns 503 naming the gateway when Discord drops the connection, and 200 again once Hearth has reconnected', async () => {
    const { double } = world.hearth;
    double.dropGateway();
    const down = await healthBecomes(503);
    expect(down).toMatchObject({ status: 'failing', failing: ['gateway'], gateway: { ok: false } });
    expect(await sample('hearth_gateway_connected')).toBe(0);

    double.restoreGateway();
    await healthBecomes(200);
    expect(await sample('hearth_gateway_connected')).toBe(1);
    // And the reconnected bot answers members again.
    const { reply } = await world.leader.run('help');
    expect(reply.content + JSON.stringify(reply.embeds)).toContain('Hearth');
  });

  it('turns 503 naming the database while another program holds its write lock', async () => {
    const other = new Database(world.hearth.databasePath);
    try {
      other.exec('BEGIN IMMEDIATE');
      const { code, body } = await health();
      expect(code).toBe(503);
      expect(body.failing).toEqual(['database']);
      expect((body.database as { problem: string }).problem).toMatch(/cannot write: database is locked/);
      other.exec('ROLLBACK');
      expect((await health()).code).toBe(200);
    } finally {
      other.close();
    }
  });

  it('counts interactions by kind and outcome, votes, acknowledgement times, scheduled runs, 429s and the outbox in /metrics', async () => {
    const { hearth, leader } = world;
    const before = {
      commandsOk: await sample('hearth_interactions_total{kind="command",outcome="ok"}'),
      buttonsOk: await sample('hearth_interactions_total{kind="button",outcome="ok"}'),
      commandsRefused: await sample('hearth_interactions_total{kind="command",outcome="refused"}'),
      votes: await sample('hearth_votes_total'),
      acks: await sample('hearth_interaction_ack_seconds_count{kind="button"}'),
      limited: await sample('hearth_discord_rate_limits_total{scope="user"}'),
    };
    // Discord rate-limits the poll's post once: Hearth waits it out and the poll still goes up.
    hearth.double.rateLimitNext('POST', /^\/channels\/\d+\/messages$/, 0.01);
    const known = new Set(hearth.double.messages.keys());
    const created = await leader.run('poll create', { question: 'Metrics?', choices: 'Yes | No' });
    const poll = [...hearth.double.messages.values()].find((m: StoredMessage) => !known.has(m.id) && !isEphemeral(m))!;
    await hearth.member('ana').click(poll, 'Yes');
    await hearth.member('ben').click(poll, 'No');
    await leader.run('poll close', { poll: Number(/^Poll #(\d+)/.exec(created.reply.content)![1]) });
    const refused = await hearth.member('cat').run('survey list');
    expect(refused.reply.content).toMatch(/leader/i);

    expect(await sample('hearth_interactions_total{kind="command",outcome="ok"}')).toBe(before.commandsOk + 2);
    expect(await sample('hearth_interactions_total{kind="button",outcome="ok"}')).toBe(before.buttonsOk + 2);
    expect(await sample('hearth_interactions_total{kind="command",outcome="refused"}')).toBe(before.commandsRefused + 1);
    expect(await sample('hearth_votes_total')).toBe(before.votes + 2);
    expect(await sample('hearth_interaction_ack_seconds_count{kind="button"}')).toBe(before.acks + 2);
    expect(await sample('hearth_discord_rate_limits_total{scope="user"}')).toBe(before.limited + 1); // the scope Discord named
    expect(await sample('hearth_scheduled_runs_total{task="deliver Discord side effects",outcome="ok"}')).toBeGreaterThan(0);
    expect(await sample('hearth_outbox_effects{status="delivered"}')).toBeGreaterThanOrEqual(1);
    expect(await sample('hearth_database_size_bytes{file="main"}')).toBeGreaterThan(0);
  });

  it('counts check-in answers and kudos given in /metrics', async () => {
    const { hearth, leader } = world;
    const answersBefore = await sample('hearth_answers_total{feature="checkins"}');
    const kudosBefore = await sample('hearth_kudos_total');
    await leader.run('checkin schedule', { channel: { id: hearth.general.id }, when: 'daily 13:00', prompt: 'Counted?', name: 'Counted' });
    await hearth.clock.set(Date.UTC(2026, 10, 25, 13));
    const post = await hearth.double.waitFor(() => hearth.double.channelMessages(hearth.general.id).find((m) => JSON.stringify(m).includes('Counted?')), 'the check-in post');
    const ana = hearth.member('ana-answers');
    await ana.click(post, 'good');
    await ana.run('kudos give', { member: { id: hearth.member('ben-thanked').id }, value: 'Kindness', message: 'Thanks for the metrics!' });

    expect(await sample('hearth_answers_total{feature="checkins"}')).toBe(answersBefore + 1);
    expect(await sample('hearth_kudos_total')).toBe(kudosBefore + 1);
  });

  it('counts Discord REST errors by status', async () => {
    const { hearth, leader } = world;
    const before = await sample('hearth_discord_rest_errors_total{status="500"}');
    hearth.double.failNext('POST', /^\/channels\/\d+\/messages$/, 500, 0, 'Internal Server Error');
    await leader.run('poll create', { question: 'Will this post?', choices: 'Yes | No' });
    expect(await sample('hearth_discord_rest_errors_total{status="500"}')).toBe(before + 1);
  });

  it('answers 404 for other paths and 405 for other methods', async () => {
    expect((await get('/')).status).toBe(404);
    const post = await get('/healthz', { method: 'POST' });
    expect(post.status).toBe(405);
    expect(post.headers.get('allow')).toBe('GET, HEAD');
  });
});
