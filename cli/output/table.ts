/** Left-aligned columns separated by three spaces, as kubectl prints them. */
export function formatTable(headers: string[], rows: string[][]): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)))
  const line = (cells: string[]): string =>
    cells
      .map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]!)))
      .join('   ')
      .trimEnd()
  return [line(headers), ...rows.map(line)].join('\n')
}

/** Kubernetes-style short age: 45s, 12m, 3h, 5d. */
export function age(from: string | number | undefined, now = Date.now()): string {
  if (from === undefined) return '<unknown>'
  const t = typeof from === 'number' ? from : Date.parse(from)
  if (Number.isNaN(t)) return '<unknown>'
  const s = Math.max(0, Math.floor((now - t) / 1000))
  if (s < 120) return `${s}s`
  if (s < 120 * 60) return `${Math.floor(s / 60)}m`
  if (s < 48 * 3600) return `${Math.floor(s / 3600)}h`
  return `${Math.floor(s / 86400)}d`
}
