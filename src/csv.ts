// A UTF-8 byte-order mark first: without it Excel reads the file in the machine's legacy code page
// and shows accented and non-Latin names as mojibake.
const BYTE_ORDER_MARK = '\uFEFF';

/**
 * RFC 4180 CSV. Cells that a spreadsheet would run as a formula (=, +, -, @ first) get a leading
 * apostrophe, so an export of member-typed text cannot execute anything when opened.
 */
export function toCsv(rows: readonly (readonly (string | number | null)[])[]): string {
  return BYTE_ORDER_MARK + rows.map((row) => row.map(cell).join(',')).join('\r\n') + '\r\n';
}

/** One CSV line (with its line break), for exports written a row at a time. */
export function csvRow(row: readonly (string | number | null)[]): string {
  return `${row.map(cell).join(',')}\r\n`;
}

export { BYTE_ORDER_MARK };

function cell(value: string | number | null): string {
  if (value === null) return '';
  let text = String(value);
  if (typeof value === 'string' && /^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}
