// Splits a seed range into vitest cases so that a failure names its batch, and every failing
// seed is reported with its parameters and replay command.

import { describeFailure, runSeed } from './run-seeds.js'
import type { SimOverrides } from './sim-params.js'

export interface Batch {
  name: string
  run(): string[]
}

export function seedBatches(first: number, count: number, size: number, overrides: SimOverrides): Batch[] {
  const batches: Batch[] = []
  for (let lo = first; lo < first + count; lo += size) {
    const hi = Math.min(first + count, lo + size) - 1
    batches.push({
      name: `seeds ${lo}..${hi}`,
      run: () => {
        const failures: string[] = []
        for (let seed = lo; seed <= hi; seed++) {
          const r = runSeed(seed, overrides)
          if (!r.ok) failures.push(describeFailure(r))
        }
        return failures
      },
    })
  }
  return batches
}
