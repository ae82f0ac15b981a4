// Long simulation runs: `npm run sim -- --seeds N` (node dist/test/consensus/sim/cli.js).
//
//   --seeds N   run N seeds (default 1000) starting at --start S (default 1)
//   --seed S    replay one seed and print its statistics
//   --steps K   ticks of faults per seed (default 400)
//   --nodes N   initial voters (3 or 5; default: drawn from the seed)
//
// Prints progress and a summary; on the first failure prints the seed, its parameters and the
// violated invariant, and exits with code 1.

import { parseArgs } from 'node:util'
import { describeFailure, runSeed } from './run-seeds.js'
import type { SimOverrides } from './sim-params.js'
import { describeParams } from './sim-params.js'

function main(): number {
  const { values } = parseArgs({
    options: {
      seeds: { type: 'string' },
      seed: { type: 'string' },
      start: { type: 'string' },
      steps: { type: 'string' },
      nodes: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  })
  if (values.help === true) {
    process.stdout.write('usage: sim [--seeds N] [--start S] [--seed S] [--steps K] [--nodes N]\n')
    return 0
  }
  const overrides: SimOverrides = {}
  if (values.steps !== undefined) overrides.steps = positiveInt(values.steps, '--steps')
  if (values.nodes !== undefined) overrides.voters = positiveInt(values.nodes, '--nodes')

  if (values.seed !== undefined) {
    const r = runSeed(positiveInt(values.seed, '--seed'), overrides)
    process.stdout.write(`params: ${describeParams(r.params)}\n`)
    process.stdout.write(`stats: ${JSON.stringify(r.stats)}\n`)
    process.stdout.write(`trace hash: ${r.traceHash.toString(16)}\n`)
    if (!r.ok) {
      process.stdout.write(`${describeFailure(r)}\n`)
      return 1
    }
    process.stdout.write('ok\n')
    return 0
  }

  const count = values.seeds === undefined ? 1000 : positiveInt(values.seeds, '--seeds')
  const start = values.start === undefined ? 1 : positiveInt(values.start, '--start')
  const t0 = performance.now()
  let acked = 0
  let elections = 0
  let worstRecovery = 0
  for (let i = 0; i < count; i++) {
    const seed = start + i
    const r = runSeed(seed, overrides)
    if (!r.ok) {
      process.stdout.write(`\nFAIL after ${i} passing seeds\n${describeFailure(r)}\n`)
      return 1
    }
    acked += r.stats.acked
    elections += r.stats.leaderTerms
    worstRecovery = Math.max(worstRecovery, r.stats.recoveryTicks)
    if ((i + 1) % 100 === 0 || i + 1 === count) {
      const secs = (performance.now() - t0) / 1000
      process.stdout.write(`${i + 1}/${count} seeds ok (${secs.toFixed(1)} s)\n`)
    }
  }
  const secs = (performance.now() - t0) / 1000
  process.stdout.write(
    `summary: ${count} seeds [${start}, ${start + count - 1}] passed in ${secs.toFixed(1)} s; ` +
      `${acked} acknowledged proposals, ${elections} leader terms, worst recovery ${worstRecovery} ticks\n`,
  )
  return 0
}

function positiveInt(s: string, flag: string): number {
  const n = Number(s)
  if (!Number.isInteger(n) || n < 0) throw new Error(`${flag} needs a non-negative integer, got ${s}`)
  return n
}

process.exitCode = main()
