import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DiscordDouble } from '../support/discord-double';
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

describe('starting Hearth', () => {
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
