// A markdown table that reads well both rendered and as plain text in a terminal.

export type Cell = string | number | boolean | null
export type Row = Readonly<Record<string, Cell>>

export function formatCell(value: Cell): string {
  if (value === null) return '-'
  if (typeof value !== 'number') return String(value)
  if (!Number.isFinite(value)) return String(value)
  if (Number.isInteger(value)) return value.toLocaleString('en-US')
  // Enough digits to compare runs by eye, not so many that columns become noise.
  return Math.abs(value) >= 100 ? value.toFixed(0) : Math.abs(value) >= 1 ? value.toFixed(2) : value.toPrecision(3)
}

/** Columns in first-seen order across rows; numbers right-aligned, text left-aligned. */
export function formatTable(rows: readonly Row[]): string {
  const columns: string[] = []
  for (const row of rows) for (const key of Object.keys(row)) if (!columns.includes(key)) columns.push(key)
  if (columns.length === 0) return '(no rows)'
  const cells = rows.map((row) => columns.map((c) => formatCell(row[c] ?? null)))
  const numeric = columns.map((c) => rows.every((row) => typeof (row[c] ?? null) !== 'string'))
  const widths = columns.map((c, i) => Math.max(3, c.length, ...cells.map((r) => r[i]!.length)))
  const line = (values: readonly string[]): string =>
    `| ${values.map((v, i) => (numeric[i] ? v.padStart(widths[i]!) : v.padEnd(widths[i]!))).join(' | ')} |`
  const rule = `|${widths.map((w, i) => (numeric[i] ? `${'-'.repeat(w + 1)}:` : '-'.repeat(w + 2))).join('|')}|`
  return [line(columns), rule, ...cells.map(line)].join('\n')
}
