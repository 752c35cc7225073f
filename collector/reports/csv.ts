// CSV (RFC 4180) of report rows. Nested fields become dotted columns (rttUs.median,
// failuresByReason.no-response); the columns are the union over all rows, in order of first
// appearance, so a reason seen on one day only still gets its column; an empty report gets its header.

export type Cell = string | number | boolean | null;
export type FlatRow = Record<string, Cell>;

export function flatten(row: object, prefix = '', out: FlatRow = {}): FlatRow {
  for (const [k, v] of Object.entries(row)) {
    const name = prefix ? `${prefix}.${k}` : k;
    if (v !== null && typeof v === 'object' && !Array.isArray(v)) flatten(v as object, name, out);
    else if (Array.isArray(v)) out[name] = v.join(' ');
    else out[name] = v === undefined ? null : (v as Cell);
  }
  return out;
}

function cell(v: Cell): string {
  if (v === null) return '';
  const text = typeof v === 'number' ? (Number.isInteger(v) ? String(v) : String(Math.round(v * 1e6) / 1e6)) : String(v);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** `header`: the columns an empty report shows, so that it still says what it would hold. */
export function toCsv(rows: readonly FlatRow[], header: readonly string[] = []): string {
  if (rows.length === 0) return `${header.map((c) => cell(c)).join(',')}\r\n`;
  const columns: string[] = [];
  const seen = new Set<string>();
  for (const r of rows) {
    for (const c of Object.keys(r)) {
      if (seen.has(c)) continue;
      seen.add(c);
      columns.push(c);
    }
  }
  const lines = [columns.map((c) => cell(c)).join(','), ...rows.map((r) => columns.map((c) => cell(r[c] ?? null)).join(','))];
  return `${lines.join('\r\n')}\r\n`;
}
