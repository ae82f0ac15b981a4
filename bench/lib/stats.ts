// Summary statistics for benchmark samples.

export interface Summary {
  runs: number
  min: number
  median: number
  mean: number
  p99: number
  max: number
}

/** Nearest-rank percentile (p in [0, 100]) of an ascending array: always a measured value. */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) throw new Error('percentile of no samples')
  const rank = Math.ceil((p / 100) * sorted.length)
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1]!
}

export function summarize(samples: readonly number[]): Summary {
  const sorted = [...samples].sort((a, b) => a - b)
  return {
    runs: sorted.length,
    min: sorted[0] ?? NaN,
    median: percentile(sorted, 50),
    mean: sorted.reduce((sum, v) => sum + v, 0) / sorted.length,
    p99: percentile(sorted, 99),
    max: sorted[sorted.length - 1] ?? NaN,
  }
}
