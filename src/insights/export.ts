// `/insights export`: everything Hearth holds for a server, as a ZIP of CSVs (UTF-8 with a
// byte-order mark) and a README.txt explaining every column. Rows are read a page at a time and
// written into the ZIP as they come, so memory stays flat however large the server.
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { Zip, ZipDeflate } from 'fflate';
import type { Db } from '../db/open';
import { BYTE_ORDER_MARK, csvRow } from '../csv';
import type { ExportTable } from '../server-export';
import { checkinExportTables } from '../checkins';
import { kudosExportTables } from '../kudos';
import { pollExportTables, pollFollowUpRows } from '../polls';
import { surveyExportTables, surveyFollowUpRows } from '../surveys';

const FLUSH_AT = 64 * 1024;

/** Every table of the export, in the order the ZIP and README.txt list them. */
export function exportTables(db: Db, guildId: string): ExportTable[] {
  return [
    ...pollExportTables(db, guildId),
    ...surveyExportTables(db, guildId),
    ...checkinExportTables(db, guildId),
    ...kudosExportTables(db, guildId),
    {
      file: 'follow_ups.csv',
      about: 'One row per "you said, we did" follow-up to a closed poll or survey.',
      columns: [
        ['kind', 'poll or survey'],
        ['id', 'The poll (polls.csv) or survey (surveys.csv)'],
        ['message', 'What the leaders wrote, as it reads now'],
        ['revision', 'How many times it was written (1 = never changed)'],
        ['message_id', 'The posted follow-up\'s Discord message (empty until posted)'],
        ['created_at', 'When it was first written (UTC, ISO 8601)'],
        ['updated_at', 'When it was last changed'],
      ],
      *rows() {
        yield* pollFollowUpRows(db, guildId);
        yield* surveyFollowUpRows(db, guildId);
      },
    },
  ];
}

export function readmeText(tables: readonly ExportTable[], guildId: string, now: number): string {
  const lines = [
    `Everything Hearth holds for server ${guildId}, exported ${new Date(now).toISOString()}.`,
    '',
    'Each .csv file is UTF-8 with a byte-order mark, so spreadsheet programs show every language correctly.',
    'Times are UTC, in ISO 8601. Cells that start with = + - or @ begin with an apostrophe, so no cell runs as a formula.',
    'Anonymous polls, surveys and check-ins carry no member ids and no times, their rows are in a random order,',
    'and they show nothing below their minimum number of answers (3, or the server\'s /survey min-responses).',
    '',
  ];
  for (const table of tables) {
    lines.push(table.file, `  ${table.about}`);
    for (const [name, meaning] of table.columns) lines.push(`  ${name}: ${meaning}`);
    lines.push('');
  }
  return lines.join('\r\n');
}

/** Writes the server's export to `path` as a ZIP; resolves with how many rows each CSV got. */
export async function writeServerExport(db: Db, guildId: string, path: string, now: number): Promise<{ file: string; rows: number }[]> {
  const out = createWriteStream(path, { mode: 0o600 });
  let failure: Error | null = null;
  const zip = new Zip((error, chunk, final) => {
    if (error) failure = error;
    else out.write(chunk);
    if (final || error) out.end();
  });
  const mtime = new Date(now);
  const drained = async () => {
    if (failure) throw failure;
    if (out.writableNeedDrain) await once(out, 'drain');
    await new Promise((resolve) => setImmediate(resolve)); // interactions go first between pages
  };
  const encoder = new TextEncoder();
  const tables = exportTables(db, guildId);
  const counts: { file: string; rows: number }[] = [];
  for (const table of tables) {
    const entry = new ZipDeflate(table.file, { level: 6 });
    entry.mtime = mtime;
    zip.add(entry);
    let text = BYTE_ORDER_MARK + csvRow(table.columns.map(([name]) => name));
    let rows = 0;
    for (const row of table.rows()) {
      text += csvRow(row);
      rows++;
      if (text.length >= FLUSH_AT) {
        entry.push(encoder.encode(text));
        text = '';
        await drained();
      }
    }
    entry.push(encoder.encode(text), true);
    counts.push({ file: table.file, rows });
    await drained();
  }
  const readme = new ZipDeflate('README.txt', { level: 6 });
  readme.mtime = mtime;
  zip.add(readme);
  readme.push(encoder.encode(readmeText(tables, guildId, now)), true);
  zip.end();
  if (!out.writableFinished) await once(out, 'finish');
  if (failure) throw failure;
  return counts;
}
