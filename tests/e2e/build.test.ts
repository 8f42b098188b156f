import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DiscordDouble } from '../support/discord-double';
import { freePort } from '../support/ports';
import { ROOT, startProcess } from '../support/programs';

type Lock = { packages: Record<string, { dev?: boolean; devOptional?: boolean }> };
const packageJson = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { dependencies: Record<string, string>; devDependencies: Record<string, string>; scripts: Record<string, string> };

/** A fresh clone of the work tree as it is now (tracked and new files, nothing ignored), without node_modules. */
function cloneWorkTree(): string {
  const clone = mkdtempSync(join(tmpdir(), 'hearth-clone-'));
  const files = execFileSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], { cwd: ROOT, encoding: 'utf8' }).split('\0').filter(Boolean);
  for (const file of files) if (existsSync(join(ROOT, file))) cpSync(join(ROOT, file), join(clone, file));
  return clone;
}

/** node_modules holding only what `npm install --omit=dev` would: the lockfile's packages not marked dev. */
function productionModules(into: string): void {
  const lock = JSON.parse(readFileSync(join(ROOT, 'package-lock.json'), 'utf8')) as Lock;
  for (const [path, entry] of Object.entries(lock.packages)) {
    const topLevel = /^node_modules\/((?:@[^/]+\/)?[^/]+)$/.exec(path)?.[1];
    if (!topLevel || entry.dev || entry.devOptional || !existsSync(join(ROOT, path))) continue;
    mkdirSync(dirname(join(into, 'node_modules', topLevel)), { recursive: true });
    symlinkSync(join(ROOT, path), join(into, 'node_modules', topLevel));
  }
}

// In a process group of its own, signalled as a terminal's Ctrl-C signals it: npm, its shell and Hearth.
function npm(args: string[], cwd: string) {
  const run = startProcess('npm', args, { cwd, detached: true });
  return { ...run, signalGroup: (signal: NodeJS.Signals) => process.kill(-run.child.pid!, signal) };
}

describe('the build', () => {
  it('imports at run time only packages declared as dependencies (no tsx, esbuild or other dev tool)', async () => {
    const { buildHearth } = (await import(join(ROOT, 'scripts/build.mjs'))) as { buildHearth: (outdir: string) => Promise<{ outputs: Record<string, { imports: { path: string; external?: boolean }[] }> }> };
    const meta = await buildHearth(mkdtempSync(join(tmpdir(), 'hearth-dist-')));
    const imported = new Set(
      Object.values(meta.outputs)
        .flatMap((output) => output.imports)
        .filter((i) => i.external && !i.path.startsWith('node:'))
        .map((i) => /^(@[^/]+\/[^/]+|[^/]+)/.exec(i.path)![1]!),
    );
    expect([...imported]).toEqual(expect.arrayContaining(['discord.js', 'better-sqlite3', 'discord-api-types', 'prom-client']));
    expect([...imported].filter((name) => !(name in packageJson.dependencies))).toEqual([]);
    expect(packageJson.scripts.start).toBe('node dist/main.js');
  });
});

describe('a fresh clone: npm install builds it, npm start runs the compiled bot with plain node', { timeout: 60_000 }, () => {
  let double: DiscordDouble;
  let clone: string;
  beforeAll(async () => {
    double = await DiscordDouble.start();
    double.addGuild();
    clone = cloneWorkTree();
    // What `npm install` does after installing packages: the prepare script builds dist/.
    symlinkSync(join(ROOT, 'node_modules'), join(clone, 'node_modules'));
    const prepare = npm(['run', 'prepare'], clone);
    expect(await prepare.exited, prepare.output().stderr).toBe(0);
    execFileSync('rm', [join(clone, 'node_modules')]);
    productionModules(clone);
  }, 60_000);
  afterAll(async () => {
    await double.close();
    rmSync(clone, { recursive: true, force: true });
  });

  it('without a .env, says exactly what is missing and exits 1', async () => {
    const run = npm(['start'], clone);
    expect(await run.exited).toBe(1);
    expect(run.output().stderr).toContain('DISCORD_TOKEN is missing');
  });

  it('with a filled .env, finds its migrations, gets ready, answers /healthz, and stops cleanly on Ctrl-C or SIGTERM', async () => {
    const port = await freePort();
    writeFileSync(join(clone, '.env'), `DISCORD_TOKEN=${double.token}\nDISCORD_API_URL=${double.apiUrl}\nHEALTH_PORT=${port}\n`);
    const run = npm(['start'], clone);
    try {
      for (let waited = 0; !run.output().stdout.includes('ready: due work caught up and timers armed'); waited += 50) {
        if (waited > 20_000) throw new Error(`not ready after 20 s:\n${run.output().stdout}\n${run.output().stderr}`);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      expect(existsSync(join(clone, 'data/hearth.sqlite'))).toBe(true);
      expect((await fetch(`http://127.0.0.1:${port}/healthz`)).status).toBe(200);
    } finally {
      run.signalGroup('SIGTERM');
    }
    await run.exited;
    expect(run.output().stdout).toContain('"signal":"SIGTERM","msg":"shutting down"');
    expect(run.output().stdout).toContain('stopped cleanly');
  });

  it('installed without the dev tools (--omit=dev), the build says what to do instead of failing obscurely', async () => {
    const build = npm(['run', 'build'], clone);
    expect(await build.exited).toBe(1);
    expect(build.output().stderr).toContain('Building Hearth needs its development tools (esbuild). Install with a plain `npm install`, not --omit=dev or --production.');
    expect(existsSync(join(clone, 'dist/main.js'))).toBe(true); // the build already there is left alone
  });
});
