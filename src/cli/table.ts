export interface Column<Row> {
  header: string;
  value(row: Row): string;
}

// C0/C1 controls (escape sequences could rewrite the terminal) and bidirectional overrides.
const UNPRINTABLE = /[\p{Cc}\u202A-\u202E\u2066-\u2069]/gu;

/** Text someone else typed, made safe to print: every control character becomes "?". */
export function printable(text: string): string {
  return text.replace(UNPRINTABLE, '?');
}

/** Plain-text table with left-aligned columns separated by two spaces. */
export function formatTable<Row>(columns: readonly Column<Row>[], rows: readonly Row[]): string {
  const cells = [columns.map((column) => column.header), ...rows.map((row) => columns.map((column) => printable(column.value(row))))];
  const widths = columns.map((_, i) => Math.max(...cells.map((line) => [...(line[i] ?? '')].length)));
  const pad = (text: string, width: number) => text + ' '.repeat(width - [...text].length);
  const lines = cells.map((line) => line.map((cell, i) => pad(cell, widths[i] ?? 0)).join('  ').trimEnd());
  lines.splice(1, 0, widths.map((width) => '-'.repeat(width)).join('  '));
  return lines.join('\n');
}
