// Preloaded into a bot (Hearth or the baseline) by the benchmarks when BENCH_PROFILE names a folder (Node 20 refuses
// --cpu-prof in NODE_OPTIONS): profiles the whole process and writes <folder>/<script>-<pid>.cpuprofile
// when it is asked to stop. Summarise one with `npx tsx bench/profile-summary.ts <file>`.
import { Session } from 'node:inspector';
import { mkdirSync, writeFileSync } from 'node:fs';
import { basename, extname, join } from 'node:path';

const folder = process.env.BENCH_PROFILE;
const session = new Session();
session.connect();
session.post('Profiler.enable', () => session.post('Profiler.setSamplingInterval', { interval: 500 }, () => session.post('Profiler.start')));
let written = false;
process.prependListener('SIGTERM', () => {
  if (written) return;
  written = true;
  session.post('Profiler.stop', (error, result) => {
    if (error) return;
    mkdirSync(folder, { recursive: true });
    writeFileSync(join(folder, `${basename(process.argv[1], extname(process.argv[1]))}-${process.pid}.cpuprofile`), JSON.stringify(result.profile));
  });
});
