/**
 * Where a CPU profile's busy time went: self time per package (or Hearth folder) and the heaviest
 * functions, idle time left out. `npx tsx bench/profile-summary.ts <file.cpuprofile> [top]`. When
 * the profile's folder holds the measured windows (windows.jsonl, written by the rush benchmark), only
 * samples taken while this bot was measured count.
 */
import { existsSync, readFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

interface Node {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface Profile {
  nodes: Node[];
  startTime: number;
  samples: number[];
  timeDeltas: number[];
}

// The benchmarks run the bots built into one file each (bench/processes.ts): their own code is that file.
const BOT_BUNDLE = /\/\.bench-build\/[^/]+\.js$/;

const [file, topArg] = process.argv.slice(2);
const profile = JSON.parse(readFileSync(file!, 'utf8')) as Profile;
const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const pid = Number(/-(\d+)\.cpuprofile$/.exec(basename(file!))?.[1]);
const windowsFile = join(dirname(file!), 'windows.jsonl');
const windows = existsSync(windowsFile)
  ? readFileSync(windowsFile, 'utf8').trim().split('\n').map((line) => JSON.parse(line) as { pid: number; fromUs: number; toUs: number }).filter((w) => w.pid === pid)
  : [];
const measured = (at: number) => windows.length === 0 || windows.some((w) => at >= w.fromUs && at <= w.toUs);
const self = new Map<number, number>();
let at = profile.startTime;
profile.samples.forEach((id, i) => {
  at += profile.timeDeltas[i] ?? 0;
  if (measured(at)) self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0) / 1000);
});
if (windows.length) console.log(`only the ${windows.length} measured windows of process ${pid}`);

function place(url: string, name: string): string {
  if (!url) return name.startsWith('(') ? name : `(native) ${name}`;
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (pkg) return pkg[1]!;
  if (BOT_BUNDLE.test(url)) return 'the bot (bundle)';
  const own = /\/(src|commands)\/([^/]+)/.exec(url);
  if (own) return `${own[1]}/${own[2]}`;
  if (url.startsWith('node:')) return 'node';
  return url;
}

const groups = new Map<string, number>();
const functions = new Map<string, number>();
let busy = 0;
for (const [id, ms] of self) {
  const node = byId.get(id)!;
  const { functionName, url, lineNumber } = node.callFrame;
  if (functionName === '(idle)' || functionName === '(program)') continue;
  busy += ms;
  const where = place(url, functionName);
  groups.set(where, (groups.get(where) ?? 0) + ms);
  const fn = `${functionName || '(anonymous)'} ${where}${url ? `:${lineNumber + 1}` : ''}`;
  functions.set(fn, (functions.get(fn) ?? 0) + ms);
}
// Inclusive time of Hearth's own functions: each sample counts once for every distinct Hearth
// function on its stack, so a store function shows what its queries cost, drizzle and SQLite included.
const parent = new Map<number, number>();
for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
const inclusive = new Map<string, number>();
for (const [id, ms] of self) {
  const seen = new Set<string>();
  for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
    const { functionName, url, lineNumber } = byId.get(at)!.callFrame;
    if (url.includes('node_modules') || !(/\/(src|commands)\//.test(url) || BOT_BUNDLE.test(url))) continue;
    const key = `${functionName || '(anonymous)'} ${place(url, functionName)}:${lineNumber + 1}`;
    if (seen.has(key)) continue;
    seen.add(key);
    inclusive.set(key, (inclusive.get(key) ?? 0) + ms);
  }
}
const top = Number(topArg ?? 25);
const list = (m: Map<string, number>) =>
  [...m].sort((a, b) => b[1] - a[1]).slice(0, top).map(([k, v]) => `${v.toFixed(0).padStart(7)} ms ${((v / busy) * 100).toFixed(1).padStart(5)}%  ${k}`);
console.log(`busy ${busy.toFixed(0)} ms (idle and program left out)\n\nself time by place:\n${list(groups).join('\n')}\n\nheaviest functions:\n${list(functions).join('\n')}\n\nHearth's functions, inclusive:\n${list(inclusive).join('\n')}`);
