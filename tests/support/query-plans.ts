// What SQLite does for the statements a function runs: for checking that a reader uses an index.
import type { Db } from '../../src/db/open';

export interface PlannedStatement {
  sql: string;
  /** EXPLAIN QUERY PLAN's lines, e.g. `SEARCH kudos USING COVERING INDEX kudos_live_time (guild_id=? AND created_at>? AND created_at<?)`. */
  plan: string[];
}

const RUNNERS = new Set(['all', 'get', 'run', 'iterate', 'values']);

/**
 * Runs `work` and returns its result with every statement it ran and that statement's query plan,
 * explained with the values it ran with (SQLite's statistics can make the plan depend on them).
 */
export function withQueryPlans<T>(db: Db, work: () => T): { result: T; statements: PlannedStatement[] } {
  const client = db.$client;
  const prepare = client.prepare;
  const ran: { sql: string; parameters: unknown[] }[] = [];
  client.prepare = ((source: string) => {
    const statement = prepare.call(client, source);
    return new Proxy(statement, {
      get(target, property, receiver) {
        const value = Reflect.get(target, property, target);
        if (typeof value !== 'function') return value;
        const method = value as (...args: unknown[]) => unknown;
        return (...parameters: unknown[]) => {
          if (typeof property === 'string' && RUNNERS.has(property)) ran.push({ sql: source, parameters });
          const returned = method.apply(target, parameters);
          return returned === target ? receiver : returned; // `raw()`, `pluck()`... chain on the watched statement
        };
      },
    });
  }) as typeof client.prepare;
  let result: T;
  try {
    result = work();
  } finally {
    client.prepare = prepare;
  }
  const statements = ran.map(({ sql, parameters }) => {
    const rows = client.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...parameters) as { detail: string }[];
    return { sql, plan: rows.map((r) => r.detail) };
  });
  return { result, statements };
}

/** Plan lines that read a whole table (or a whole index) instead of a range of one. */
export function fullScans(statements: readonly PlannedStatement[], tables: readonly string[]): string[] {
  return statements.flatMap((s) => s.plan.filter((line) => tables.some((t) => new RegExp(`^SCAN ${t}\\b`).test(line))).map((line) => `${line}  <-  ${s.sql}`));
}
