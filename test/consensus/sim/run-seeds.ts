// Runs of many seeds, shared by the vitest suite and the CLI.

import type { SimResult } from './simulation.js'
import { Simulation } from './simulation.js'
import type { SimOverrides } from './sim-params.js'
import { describeParams, paramsForSeed } from './sim-params.js'

export function runSeed(seed: number, overrides: SimOverrides = {}): SimResult {
  return new Simulation(paramsForSeed(seed, overrides)).run()
}

/** The report a failing seed prints: enough to replay it exactly. */
export function describeFailure(r: SimResult): string {
  return [
    `seed ${r.params.seed} violated ${r.invariant ?? '?'}`,
    `  ${r.message ?? ''}`,
    `  params: ${describeParams(r.params)}`,
    `  replay: npm run sim -- --seed ${r.params.seed} --steps ${r.params.steps} --nodes ${r.params.voters}`,
  ].join('\n')
}
