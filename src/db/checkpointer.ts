// Checkpoints of the write-ahead log after large writes (retention, a server's deletion, a large
// direct-message run), run on a connection of their own in a worker thread. Copying pages into the
// database file and syncing it can take tens of milliseconds on a busy disk, over a hundred under
// load; on the main thread every interaction would wait that long. SQLite lets one connection
// checkpoint while others read and write, so nothing waits here.
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import type { Db } from './open';

// Only PASSIVE: a FULL, RESTART or TRUNCATE checkpoint holds the write lock while it syncs the file,
// so every write on the main thread would wait on it anyway (see forgetDeletedData for those).
export type CheckpointMode = 'PASSIVE';

export interface Checkpointer {
  /** Asks for a passive checkpoint; returns at once. A request while one runs is done after it. */
  request(mode: CheckpointMode): void;
  /** Resolves once every checkpoint asked for so far is done. */
  idle(): Promise<void>;
}

// Plain CommonJS, so the worker runs the same from sources (tsx, vitest) and from the build.
const WORKER = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.path, { fileMustExist: true });
db.pragma('busy_timeout = 2000');
parentPort.on('message', (mode) => {
  // Busy while the main connection checkpoints (an erasure, an anonymous poll closing): nothing is
  // lost, the next request copies what this one could not.
  try { db.pragma('wal_checkpoint(' + mode + ')'); } catch {}
  parentPort.postMessage('done');
});
`;

const checkpointers = new WeakMap<Db['$client'], Checkpointer & { stop(): void }>();

/** The connection's checkpointer, started on first use; a database in memory has no log and needs none. */
export function checkpointerFor(db: Db): Checkpointer {
  const sqlite = db.$client;
  const known = checkpointers.get(sqlite);
  if (known) return known;
  const made = sqlite.memory ? inline(db) : inWorker(db);
  checkpointers.set(sqlite, made);
  return made;
}

/** Stops the connection's checkpointer, if it has one (when the connection closes). */
export function stopCheckpointer(db: Db): void {
  checkpointers.get(db.$client)?.stop();
  checkpointers.delete(db.$client);
}

function inline(db: Db): Checkpointer & { stop(): void } {
  return { request: (mode) => void db.$client.pragma(`wal_checkpoint(${mode})`), idle: async () => {}, stop: () => {} };
}

function inWorker(db: Db): Checkpointer & { stop(): void } {
  const worker = new Worker(WORKER, { eval: true, workerData: { path: db.$client.name, driver: createRequire(import.meta.url).resolve('better-sqlite3') } });
  worker.unref(); // never what keeps the process alive
  let gone = false; // the worker failed or was stopped: checkpoints run here, as before
  let running = false;
  let next: CheckpointMode | null = null;
  let waiting: (() => void)[] = [];
  const settle = () => {
    running = false;
    for (const resolve of waiting.splice(0)) resolve();
  };
  worker.on('message', () => {
    if (next) {
      const mode = next;
      next = null;
      worker.postMessage(mode);
      return;
    }
    settle();
  });
  worker.on('exit', () => {
    gone = true;
    next = null;
    settle();
  });
  worker.on('error', () => {}); // followed by 'exit'
  return {
    request(mode) {
      if (gone) {
        if (db.$client.open) db.$client.pragma(`wal_checkpoint(${mode})`);
      } else if (!running) {
        running = true;
        worker.postMessage(mode);
      } else next = mode;
    },
    idle: () => (running ? new Promise((resolve) => waiting.push(resolve)) : Promise.resolve()),
    stop: () => {
      gone = true;
      void worker.terminate();
    },
  };
}
