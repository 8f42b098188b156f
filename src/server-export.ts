// The shape of a server's export: one table (a CSV file) per kind, each column explained, rows read
// a page at a time. Plain data, no discord.js, so every feature's index can offer its tables.

export type Cell = string | number | null;

export interface ExportTable {
  /** The CSV's file name, e.g. `polls.csv`. */
  file: string;
  /** One sentence on what a row is. */
  about: string;
  /** Each column's name and what it holds, for README.txt. */
  columns: readonly (readonly [name: string, meaning: string])[];
  /**
   * The rows, read a page at a time: each page is one short query, and nothing stays open between
   * pages, so a long export never holds the database while the file is written.
   */
  rows(): Iterable<Cell[]>;
}

export const EXPORT_PAGE = 1_000;

/** Pages of a keyset query: `page(after)` returns up to EXPORT_PAGE rows after the key `after` (null: from the start). */
export function* paged<Row, Key>(page: (after: Key | null) => Row[], keyOf: (row: Row) => Key): Generator<Row> {
  let after: Key | null = null;
  for (;;) {
    const rows = page(after);
    yield* rows;
    if (rows.length < EXPORT_PAGE) return;
    after = keyOf(rows.at(-1)!);
  }
}

/** An instant as ISO 8601 UTC, or empty. */
export const isoOrEmpty = (ms: number | null | undefined): string | null => (ms === null || ms === undefined ? null : new Date(ms).toISOString());
