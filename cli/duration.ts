import { CliError } from './client.js'

const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }

/** "1500", "1500ms", "1.5s", "2m" → milliseconds. */
export function parseDuration(text: string, flag: string): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(text.trim())
  if (m === null) throw new CliError(`${flag}: expected a duration like 500ms, 3s or 2m, got "${text}"`, 2)
  return Math.round(Number(m[1]) * UNITS[m[2] ?? 'ms']!)
}
