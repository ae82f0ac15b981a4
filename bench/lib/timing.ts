import { performance } from 'node:perf_hooks'

/**
 * Runs fn `warmup` times unmeasured (so the JIT has compiled the hot path), then `runs` times,
 * and returns each measured run's duration in ms together with its result.
 */
export function timeRuns<T>(fn: () => T, runs: number, warmup = 1): { ms: number[]; results: T[] } {
  for (let i = 0; i < warmup; i++) fn()
  const ms: number[] = []
  const results: T[] = []
  for (let i = 0; i < runs; i++) {
    const start = performance.now()
    results.push(fn())
    ms.push(performance.now() - start)
  }
  return { ms, results }
}
