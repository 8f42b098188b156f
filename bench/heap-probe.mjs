// Preloaded into Hearth by the long run (bench/soak.ts), with --expose-gc: on SIGUSR2 it runs a full
// garbage collection and appends the process's memory right after it to BENCH_HEAP_FILE, one JSON
// line per reading. What is still on the heap then is what Hearth holds, not garbage not yet collected.
import { appendFileSync } from 'node:fs';

const file = process.env.BENCH_HEAP_FILE;
process.on('SIGUSR2', () => {
  globalThis.gc();
  const { rss, heapUsed, heapTotal, external, arrayBuffers } = process.memoryUsage();
  appendFileSync(file, `${JSON.stringify({ at: Date.now(), rss, heapUsed, heapTotal, external, arrayBuffers })}\n`);
});
