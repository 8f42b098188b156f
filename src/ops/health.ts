import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Clock } from '../clock';
import { SetupError } from '../config';
import type { Db } from '../db/open';
import type { Logger } from '../logger';

// The scheduler looks at least every five minutes; two sweeps without a finished round is stuck.
const SCHEDULER_STALE_MS = 10 * 60_000;
// Long enough for a write of the bot's own to finish, short enough not to hold up interactions.
const WRITE_LOCK_WAIT_MS = 250;

export interface HealthSources {
  version: string;
  clock: Clock;
  db: Db;
  gateway(): { connected: boolean; pingMs: number | null };
  scheduler: { readonly lastRoundEndedAt: number | null; readonly roundStartedAt: number | null };
}

type Part = { ok: boolean; problem?: string };

export interface HealthReport {
  status: 'ok' | 'failing';
  /** The parts that fail, named as below. */
  failing: string[];
  version: string;
  gateway: Part & { pingMs: number | null };
  database: Part;
  scheduler: Part & { lastTick: string | null };
}

/** What /healthz answers: each part Hearth needs to do its work, and which of them fail. */
export function checkHealth(sources: HealthSources): HealthReport {
  const now = sources.clock.now();
  const { connected, pingMs } = sources.gateway();
  const gateway = connected ? { ok: true, pingMs } : { ok: false, problem: 'not connected to the Discord gateway (reconnecting)', pingMs };
  const database = databaseWritable(sources.db);
  const { lastRoundEndedAt, roundStartedAt } = sources.scheduler;
  const lastTick = lastRoundEndedAt === null ? null : new Date(lastRoundEndedAt).toISOString();
  let scheduler: HealthReport['scheduler'] = { ok: true, lastTick };
  if (roundStartedAt !== null && now - roundStartedAt > SCHEDULER_STALE_MS) {
    scheduler = { ok: false, problem: `a round of scheduled work has been running since ${new Date(roundStartedAt).toISOString()}`, lastTick };
  } else if (roundStartedAt === null && (lastRoundEndedAt === null || now - lastRoundEndedAt > SCHEDULER_STALE_MS)) {
    scheduler = { ok: false, problem: lastRoundEndedAt === null ? 'scheduled work has not run yet' : 'scheduled work has not run for over 10 minutes', lastTick };
  }
  const parts = { gateway, database, scheduler };
  const failing = Object.entries(parts).filter(([, part]) => !part.ok).map(([name]) => name);
  return { status: failing.length ? 'failing' : 'ok', failing, version: sources.version, ...parts };
}

/** Can Hearth write? Takes the write lock and lets it go again: nothing is written. */
function databaseWritable(db: Db): Part {
  const sqlite = db.$client;
  if (!sqlite.open) return { ok: false, problem: 'the database is closed' };
  if (sqlite.inTransaction) return { ok: true }; // a write of Hearth's own is under way
  const usualWait = Number(sqlite.pragma('busy_timeout', { simple: true }));
  sqlite.pragma(`busy_timeout = ${WRITE_LOCK_WAIT_MS}`);
  try {
    sqlite.exec('BEGIN IMMEDIATE');
    sqlite.exec('ROLLBACK');
    return { ok: true };
  } catch (error) {
    return { ok: false, problem: `cannot write: ${error instanceof Error ? error.message : String(error)}` };
  } finally {
    sqlite.pragma(`busy_timeout = ${usualWait}`);
  }
}

export interface HealthHandlers {
  health(): HealthReport;
  metrics(): Promise<{ contentType: string; body: string }>;
}

export interface HealthServer {
  readonly port: number;
  /** From now on, answer with these (until then: 503, starting). */
  serve(handlers: HealthHandlers): void;
  close(): Promise<void>;
}

/**
 * The HTTP server for service managers and monitors: GET /healthz (200 or 503 with JSON) and
 * GET /metrics (Prometheus text). Started first thing, so a port that cannot be used stops Hearth
 * before anything is opened: that is a SetupError naming the setting to change.
 */
export async function startHealthServer(options: { host: string; port: number; logger: Logger }): Promise<HealthServer> {
  let handlers: HealthHandlers | null = null;
  const server = createServer((request, response) => {
    respond(request, response, handlers).catch((error: unknown) => {
      options.logger.error({ err: error, path: request.url }, 'health server request failed');
      if (!response.headersSent) response.writeHead(500, { 'content-type': 'text/plain' });
      response.end('internal error\n');
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.off('error', reject);
      resolve();
    });
  }).catch((error: unknown) => {
    throw listenProblem(error, options.host, options.port);
  });
  server.on('error', (error) => options.logger.error({ err: error }, 'health server error'));
  options.logger.info({ host: options.host, port: options.port }, 'health and metrics server listening');
  return {
    port: (server.address() as AddressInfo).port,
    serve: (serving) => {
      handlers = serving;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

async function respond(request: IncomingMessage, response: ServerResponse, handlers: HealthHandlers | null): Promise<void> {
  const path = new URL(request.url ?? '/', 'http://localhost').pathname;
  if (path !== '/healthz' && path !== '/metrics') {
    response.writeHead(404, { 'content-type': 'text/plain' }).end('Not found. Hearth answers GET /healthz and GET /metrics.\n');
    return;
  }
  if (request.method !== 'GET' && request.method !== 'HEAD') {
    response.writeHead(405, { 'content-type': 'text/plain', allow: 'GET, HEAD' }).end('Only GET and HEAD.\n');
    return;
  }
  if (!handlers) {
    response.writeHead(503, { 'content-type': 'application/json', 'cache-control': 'no-store' }).end(`${JSON.stringify({ status: 'starting' })}\n`);
    return;
  }
  if (path === '/healthz') {
    const report = handlers.health();
    response.writeHead(report.status === 'ok' ? 200 : 503, { 'content-type': 'application/json', 'cache-control': 'no-store' }).end(`${JSON.stringify(report)}\n`);
    return;
  }
  const { contentType, body } = await handlers.metrics();
  response.writeHead(200, { 'content-type': contentType, 'cache-control': 'no-store' }).end(body);
}

function listenProblem(error: unknown, host: string, port: number): Error {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'EADDRINUSE') {
    return new SetupError(`HEALTH_PORT ${port} is already in use on ${host}: another program (or another Hearth) listens there. Choose a free port for HEALTH_PORT, or stop that program.`);
  }
  if (code === 'EACCES') {
    return new SetupError(`Hearth may not listen on HEALTH_PORT ${port} (ports below 1024 need extra rights). Choose a port from 1024 to 65535.`);
  }
  if (code === 'EADDRNOTAVAIL' || code === 'ENOTFOUND' || code === 'EAI_AGAIN') {
    return new SetupError(`HEALTH_HOST ${host} is not an address of this machine. Use 127.0.0.1 (this machine only, the default) or 0.0.0.0 (every network).`);
  }
  return error instanceof Error ? error : new Error(String(error));
}
