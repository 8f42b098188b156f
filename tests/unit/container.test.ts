// No Docker engine runs where the tests run, so this checks what can be checked without one: that
// the image, compose.yaml and the systemd example agree with package.json and with each other.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { nodeVersionSupported } from '../../src/ops/runtime';
import { ROOT } from '../support/programs';

const read = (file: string) => readFileSync(join(ROOT, file), 'utf8');
const packageJson = JSON.parse(read('package.json')) as { scripts: { start: string }; engines: { node: string } };

/** The Dockerfile's instructions (continuation lines joined), by stage. */
function stages(): { from: string; name?: string; instructions: { op: string; args: string }[] }[] {
  const lines = read('Dockerfile').replace(/\\\n\s*/g, ' ').split('\n').filter((l) => l.trim() && !l.trim().startsWith('#'));
  const result: ReturnType<typeof stages> = [];
  for (const line of lines) {
    const [, op, args] = /^\s*(\w+)\s+(.*)$/.exec(line)!;
    if (op!.toUpperCase() === 'FROM') {
      const [from, , name] = args!.split(/\s+/);
      result.push({ from: from!, name, instructions: [] });
    } else {
      result.at(-1)!.instructions.push({ op: op!.toUpperCase(), args: args! });
    }
  }
  return result;
}

const copies = (stage: ReturnType<typeof stages>[number]) =>
  stage.instructions.filter((i) => i.op === 'COPY').map((i) => {
    const parts = i.args.split(/\s+/);
    const from = parts.find((p) => p.startsWith('--from='))?.slice('--from='.length);
    const paths = parts.filter((p) => !p.startsWith('--'));
    return { from, sources: paths.slice(0, -1), target: paths.at(-1)! };
  });

function ignoredByDocker(path: string): boolean {
  const patterns = read('.dockerignore').split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('#'));
  const first = path.replace(/^\.\//, '').split('/')[0]!;
  return patterns.some((pattern) => new RegExp(`^${pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*')}$`).test(first));
}

const ENV = (stage: ReturnType<typeof stages>[number]) =>
  Object.fromEntries(stage.instructions.filter((i) => i.op === 'ENV').flatMap((i) => [...i.args.matchAll(/(\w+)=(\S+)/g)].map((m) => [m[1]!, m[2]!])));

describe('the container image', () => {
  const [build, run] = stages();

  it('starts with the command npm start runs, as a user other than root, with SIGTERM', () => {
    const cmd = JSON.parse(run!.instructions.find((i) => i.op === 'CMD')!.args) as string[];
    expect(cmd.join(' ')).toBe(packageJson.scripts.start);
    const user = run!.instructions.filter((i) => i.op === 'USER').at(-1)?.args;
    expect(user).toBeDefined();
    expect(user).not.toMatch(/^(root|0)$/);
    expect(run!.instructions.find((i) => i.op === 'STOPSIGNAL')?.args).toBe('SIGTERM');
  });

  it('uses the Node version of .nvmrc, which package.json engines allow, in both stages, on a slim base', () => {
    const nvmrc = read('.nvmrc').trim();
    expect(nodeVersionSupported(nvmrc, packageJson.engines.node)).toBe(true);
    for (const stage of [build!, run!]) expect(stage.from).toBe(`node:${nvmrc}-slim`);
  });

  it('copies only paths that exist and are sent to Docker, and from the build stage only what it copied in or made', () => {
    const made = ['/app/node_modules', '/app/dist']; // by npm ci and by npm run build (scripts/build.mjs writes dist/)
    const intoBuild = copies(build!).flatMap((c) => (c.sources.length === 1 ? [join('/app', c.target)] : c.sources.map((s) => join('/app', s))));
    for (const copy of copies(build!)) {
      expect(copy.from).toBeUndefined();
      for (const source of copy.sources) {
        expect(existsSync(join(ROOT, source)), source).toBe(true);
        expect(ignoredByDocker(source), `${source} is excluded by .dockerignore`).toBe(false);
      }
    }
    for (const copy of copies(run!)) {
      expect(copy.from).toBe(build!.name);
      for (const source of copy.sources) expect([...made, ...intoBuild], source).toContain(source);
    }
    expect(build!.instructions.some((i) => i.op === 'RUN' && i.args.includes('npm run build'))).toBe(true);
  });

  it('keeps the database on the volume, and checks its health on /healthz at HEALTH_PORT', () => {
    const env = ENV(run!);
    expect(run!.instructions.find((i) => i.op === 'VOLUME')?.args).toBe(dirname(env.DATABASE_PATH!));
    expect(env.HEALTH_PORT).toMatch(/^\d+$/);
    const check = run!.instructions.find((i) => i.op === 'HEALTHCHECK')!.args;
    expect(check).toContain('process.env.HEALTH_PORT');
    expect(check).toContain('/healthz');
  });

  it('sends no secrets, local data or installed packages to Docker', () => {
    for (const path of ['.env', 'node_modules', 'data', 'dist', 'hearth.sqlite', '.git']) expect(ignoredByDocker(path), path).toBe(true);
  });
});

describe('compose.yaml and the systemd example', () => {
  it('compose mounts a volume where the image keeps its database and waits longer than Hearth\'s 10 s shutdown', () => {
    const compose = read('compose.yaml');
    const database = /DATABASE_PATH: (\S+)/.exec(compose)?.[1];
    expect(database).toBe(ENV(stages()[1]!).DATABASE_PATH);
    expect(compose).toMatch(new RegExp(`- \\w[\\w-]*:${dirname(database!)}\\n`));
    expect(Number(/stop_grace_period: (\d+)s/.exec(compose)?.[1])).toBeGreaterThan(10);
    expect(compose).toContain('env_file: .env');
  });

  it('the systemd unit runs what npm start runs, stops with SIGTERM and waits longer than 10 s', () => {
    const unit = read('docs/hearth.service');
    expect(/^ExecStart=\S*node (.+)$/m.exec(unit)?.[1]).toBe(packageJson.scripts.start.replace(/^node /, ''));
    expect(unit).toMatch(/^KillSignal=SIGTERM$/m);
    expect(Number(/^TimeoutStopSec=(\d+)$/m.exec(unit)?.[1])).toBeGreaterThan(10);
  });
});
