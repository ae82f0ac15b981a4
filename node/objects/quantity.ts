// Kubernetes resource quantities ("500m", "2", "128Mi", "1G", "1e3") to and from plain numbers.

export class InvalidQuantityError extends Error {
  override name = 'InvalidQuantityError'
}

const BINARY: Record<string, number> = { Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40, Pi: 2 ** 50, Ei: 2 ** 60 }
const DECIMAL: Record<string, number> = { n: 1e-9, u: 1e-6, m: 1e-3, '': 1, k: 1e3, M: 1e6, G: 1e9, T: 1e12, P: 1e15, E: 1e18 }

/** The quantity's value in base units (cores for cpu, bytes for memory). */
export function parseQuantity(text: string | number): number {
  if (typeof text === 'number') {
    if (!Number.isFinite(text) || text < 0) throw new InvalidQuantityError(`quantity ${text} must be a non-negative number`)
    return text
  }
  const m = /^([+]?[0-9]+(?:\.[0-9]*)?|[+]?\.[0-9]+)(?:([eE][-+]?[0-9]+)|(Ki|Mi|Gi|Ti|Pi|Ei|[numkMGTPE])?)$/.exec(text.trim())
  if (m === null) throw new InvalidQuantityError(`"${text}" is not a valid quantity (e.g. 500m, 2, 128Mi, 1G)`)
  const base = Number(m[1])
  if (m[2] !== undefined) return base * 10 ** Number(m[2].slice(1))
  const suffix = m[3] ?? ''
  return base * (BINARY[suffix] ?? DECIMAL[suffix]!)
}

export function cpuToMillis(q: string | number): number {
  return Math.ceil(parseQuantity(q) * 1000 - 1e-9)
}

export function memoryToBytes(q: string | number): number {
  return Math.ceil(parseQuantity(q) - 1e-9)
}

export function formatCpu(millis: number): string {
  return millis % 1000 === 0 ? String(millis / 1000) : `${millis}m`
}

export function formatMemory(bytes: number): string {
  for (const [suffix, size] of [['Gi', 2 ** 30], ['Mi', 2 ** 20], ['Ki', 2 ** 10]] as const) {
    if (bytes >= size && bytes % size === 0) return `${bytes / size}${suffix}`
  }
  return bytes % 1024 === 0 ? `${bytes / 1024}Ki` : String(bytes)
}

/** Short human form for tables: 23.4Gi, 512Mi. */
export function humanBytes(bytes: number): string {
  const units = ['', 'Ki', 'Mi', 'Gi', 'Ti']
  let v = bytes
  let i = 0
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024
    i++
  }
  return `${v >= 100 || i === 0 ? Math.round(v) : v.toFixed(1)}${units[i]}`
}
