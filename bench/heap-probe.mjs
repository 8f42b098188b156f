// Preloaded into Hearth by the long run (bench/soak.ts), with --expose-gc: on SIGUSR2 it runs a full
// garbage collection and appends the process's memory right after it to BENCH_HEAP_FILE, one JSON
// line per reading. What is still on the heap then is what Hearth holds, not garbage not yet collected.
// With BENCH_HEAP_SNAPSHOTS=<folder>, each reading also writes a heap snapshot there (it pauses
// Hearth for seconds: only to find what grows, not while measuring).
import { appendFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { writeHeapSnapshot } from 'node:v8';

const file = process.env.BENCH_HEAP_FILE;
const snapshots = process.env.BENCH_HEAP_SNAPSHOTS;
let readings = 0;
process.on('SIGUSR2', () => {
  globalThis.gc();
  const { rss, heapUsed, heapTotal, external, arrayBuffers } = process.memoryUsage();
  readings++;
  if (snapshots) {
    mkdirSync(snapshots, { recursive: true });
    writeHeapSnapshot(join(snapshots, `hearth-${process.pid}-${readings}.heapsnapshot`));
  }
  appendFileSync(file, `${JSON.stringify({ at: Date.now(), rss, heapUsed, heapTotal, external, arrayBuffers })}\n`);
});
