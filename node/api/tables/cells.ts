/** `a=b,c=d`, or `<none>`: how kubectl shows a label map in one cell. */
export function labelString(labels: Readonly<Record<string, string>> | undefined): string {
  const pairs = Object.entries(labels ?? {}).map(([k, v]) => `${k}=${v}`)
  return pairs.length === 0 ? '<none>' : pairs.join(',')
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
