/** Column widths that fit the headers and every row. */
export function columnWidths(headers: readonly string[], rows: readonly (readonly string[])[]): number[] {
  return headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)))
}

/** One line of left-aligned cells separated by three spaces, as kubectl prints them. */
export function formatRow(cells: readonly string[], widths: readonly number[]): string {
  return cells
    .map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i] ?? 0)))
    .join('   ')
    .trimEnd()
}

export function formatTable(headers: string[], rows: string[][]): string {
  const widths = columnWidths(headers, rows)
  return [formatRow(headers, widths), ...rows.map((r) => formatRow(r, widths))].join('\n')
}
