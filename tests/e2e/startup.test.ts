import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import { DiscordDouble } from '../support/discord-double';
import { TestHearth, textOf } from '../support/harness';
import { listen } from '../support/ports';
import { ROOT, startProcess as start, WITH_TSX } from '../support/programs';

const MAIN = join(ROOT, 'src/main.ts');

/** Runs `npm start`'s entry point (from the sources) as a real process in an empty folder with the given settings. */
function startProcess(env: Record<string, string>, cwd = mkdtempSync(join(tmpdir(), 'hearth-start-'))) {
  return { ...start(process.execPath, [...WITH_TSX, MAIN], { env, cwd }), cwd };
}

async function eventually(check: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`Condition not met within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('starting and running Hearth', () => {
  let double: DiscordDouble;
  beforeAll(async () => {
    double = await DiscordDouble.start();
    double.addGuild();
  });
  afterAll(() => double.close());

  it('with no DISCORD_TOKEN: says what is missing and where to get it, exits 1, no stack trace', async () => {
    const run = startProcess({});
    expect(await run.exited).toBe(1);
    const { stderr } = run.output();
    expect(stderr).toContain('DISCORD_TOKEN is missing');
    expect(stderr).toContain('https://discord.com/developers/applications');
    expect(stderr).toContain('.env.example');
    expect(stderr).not.toMatch(/\n\s+at /);
  });

  it('the environment wins over .env', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'hearth-start-'));
    writeFileSync(join(cwd, '.env'), 'DISCORD_TOKEN=abc.def.ghi\nLOG_LEVEL=loud\n');
    const run = startProcess({ DISCORD_TOKEN: 'not-a-token', LOG_LEVEL: 'info' }, cwd);
    expect(await run.exited).toBe(1);
    const { stderr } = run.output();
    expect(stderr).toContain('DISCORD_TOKEN does not look like a bot token'); // the environment's token, not .env's
    expect(stderr).not.toContain('LOG_LEVEL'); // the environment's valid level, not .env's
  });

  it('with a malformed setting in .env: names it', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'hearth-start-'));
    writeFileSync(join(cwd, '.env'), 'DISCORD_TOKEN=abc.def.ghi\nLOG_LEVEL=loud\n');
    const run = startProcess({}, cwd);
    expect(await run.exited).toBe(1);
    expect(run.output().stderr).toContain('LOG_LEVEL must be one of');
  });

  it('with a token Discord refuses: says so and how to get a fresh one, exits 1, no stack trace', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'hearth-start-'));
    writeFileSync(join(cwd, '.env'), `DISCORD_TOKEN=MTIz.wrong.token\nDISCORD_API_URL=${double.apiUrl}\n`);
    const run = startProcess({}, cwd);
    expect(await run.exited).toBe(1);
    const { stdout, stderr } = run.output();
    expect(stderr).toContain('Hearth could not start: Discord refused DISCORD_TOKEN');
    expect(stderr).toContain('Reset Token');
    expect(stdout + stderr).not.toMatch(/\n\s+at /);
  });

  it('when Discord cannot be reached: names the address and what to check, exits 1, no stack trace', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'hearth-start-'));
    writeFileSync(join(cwd, '.env'), 'DISCORD_TOKEN=MTIz.some.token\nDISCORD_API_URL=http://127.0.0.1:9/api\n');
    const run = startProcess({}, cwd);
    expect(await run.exited).toBe(1);
    const { stdout, stderr } = run.output();
    expect(stderr).toContain('Hearth could not reach Discord at http://127.0.0.1:9/api');
    expect(stderr).toContain('internet connection, DNS and firewall, or DISCORD_API_URL');
    expect(stdout + stderr).not.toMatch(/\n\s+at /);
  });

  it('with a filled .env: connects, creates the database folder, and shuts down cleanly on SIGTERM', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'hearth-start-'));
    writeFileSync(join(cwd, '.env'), `DISCORD_TOKEN=${double.token}\nDISCORD_API_URL=${double.apiUrl}\nDATABASE_PATH=./nested/data/hearth.sqlite\n`);
    const run = startProcess({}, cwd);
    await eventually(() => run.output().stdout.includes('connected to Discord'), 15_000);
    expect(existsSync(join(cwd, 'nested/data/hearth.sqlite'))).toBe(true);
    run.child.kill('SIGTERM');
    expect(await run.exited).toBe(0);
    const { stdout } = run.output();
    expect(stdout).toContain('stopped cleanly');
    expect(stdout).not.toContain(double.token);
  });

  // A real process start, then members acting: more than the default 20 s on a busy machine.
  const PROCESS_TEST_TIMEOUT = 60_000;

  /** Hearth as `npm start` runs it, on a database in a fresh folder, and a harness acting as members. */
  async function running() {
    const cwd = mkdtempSync(join(tmpdir(), 'hearth-run-'));
    const databasePath = join(cwd, 'hearth.sqlite');
    const run = startProcess({ DISCORD_TOKEN: double.token, DISCORD_API_URL: double.apiUrl, DATABASE_PATH: databasePath, LOG_LEVEL: 'info' }, cwd);
    await eventually(() => run.output().stdout.includes('ready: due work caught up'), 15_000);
    const members = await TestHearth.start({ double, startBot: false, databasePath });
    return { run, members, databasePath };
  }

  it('a second stop signal exits at once while the clean stop is still waiting', async () => {
    const { run, members } = await running();
    // Discord holds the answer to a command: the clean stop waits for that interaction.
    const held = double.holdNext('POST', /^\/interactions\/\d+\/[^/]+\/callback$/);
    members.member('asker').run('help').catch(() => {}); // never answered: the process is gone first
    await held.arrived;
    run.child.kill('SIGTERM');
    await eventually(() => run.output().stdout.includes('shutting down'), 5_000);
    run.child.kill('SIGTERM');
    expect(await run.exited).toBe(1);
    held.release();
    const { stdout } = run.output();
    expect(stdout).toContain('second signal: exiting now');
    expect(stdout).not.toContain('stopped cleanly');
    expect(stdout).not.toContain('shutdown took longer than 10 s'); // the second signal ended it, not the timer
  }, PROCESS_TEST_TIMEOUT);

  it('killed in the middle of a burst of votes, it has stored every vote a member was told about', async () => {
    const { run, members, databasePath } = await running();
    const host = members.leader('vote-host');
    await host.run('poll create', { question: 'Crash test?', choices: 'Yes | No' });
    const message = double.channelMessages(members.general.id).find((m) => textOf(m).includes('Crash test?'))!;
    // Enough that the kill lands in the middle: Hearth acknowledges a thousand or more votes a second.
    const voters = Array.from({ length: 3_000 }, (_, i) => members.member(`crash${i}`));
    const clicks = voters.map((voter) => double.sendInteraction(members.clickPayload(voter, message, 'Yes')));
    const told = () => clicks.filter((c) => String(c.callback?.data?.content ?? '').startsWith('You voted for'));
    await eventually(() => told().length >= 20, 15_000);
    run.child.kill('SIGKILL');
    await run.exited;

    const acknowledged = told().map((c) => (c.payload.member as { user: { id: string } }).user.id);
    expect(acknowledged.length).toBeLessThan(voters.length); // the kill came in the middle of the burst
    const db = new Database(databasePath, { readonly: true });
    try {
      const stored = new Set(db.prepare('SELECT voter FROM poll_votes').all().map((row) => (row as { voter: string }).voter));
      expect(acknowledged.filter((id) => !stored.has(id))).toEqual([]);
    } finally {
      db.close();
    }
  }, PROCESS_TEST_TIMEOUT);

  it('with HEALTH_PORT already in use: says so at start, exits 1, and opens nothing', async () => {
    const taken = await listen(0);
    const port = (taken.address() as { port: number }).port;
    try {
      const cwd = mkdtempSync(join(tmpdir(), 'hearth-start-'));
      writeFileSync(join(cwd, '.env'), `DISCORD_TOKEN=${double.token}\nDISCORD_API_URL=${double.apiUrl}\nHEALTH_PORT=${port}\n`);
      const run = startProcess({}, cwd);
      expect(await run.exited).toBe(1);
      const { stdout, stderr } = run.output();
      expect(stderr).toContain(`Hearth could not start: HEALTH_PORT ${port} is already in use on 127.0.0.1: another program (or another Hearth) listens there. Choose a free port for HEALTH_PORT, or stop that program.`);
      expect(stdout + stderr).not.toMatch(/\n\s+at /);
      expect(existsSync(join(cwd, 'data'))).toBe(false);
    } finally {
      taken.close();
    }
  });

  it('with HEALTH_PORT out of range: names the setting and the range', async () => {
    const run = startProcess({ DISCORD_TOKEN: 'abc.def.ghi', HEALTH_PORT: '70000' });
    expect(await run.exited).toBe(1);
    expect(run.output().stderr).toContain('HEALTH_PORT must be a port number from 1 to 65535');
  });
});
