import { describe, expect, it } from 'vitest'
import { describeFailure, runSeed } from './run-seeds.js'
import { paramsForSeed } from './sim-params.js'

describe('simulation replay', () => {
  it('replays a seed identically', () => {
    for (const seed of [7, 4242, 100_123]) {
      const a = runSeed(seed)
      const b = runSeed(seed)
      expect(a.ok).toBe(true)
      expect(b.traceHash).toBe(a.traceHash)
      expect(b.stats).toEqual(a.stats)
    }
  })

  it('replays a run with the overrides a failure report prints', () => {
    for (const seed of [11, 12, 13]) {
      const a = runSeed(seed)
      const b = runSeed(seed, { voters: a.params.voters, steps: a.params.steps })
      expect(b.params).toEqual(a.params)
      expect(b.traceHash).toBe(a.traceHash)
    }
  })

  it('gives different seeds different runs', () => {
    const hashes = new Set([1, 2, 3, 4, 5].map((s) => runSeed(s).traceHash))
    expect(hashes.size).toBe(5)
  })

  it('derives the same parameters from a seed, and honours overrides', () => {
    expect(paramsForSeed(99)).toEqual(paramsForSeed(99))
    expect(paramsForSeed(99, { voters: 5, steps: 10 })).toMatchObject({ voters: 5, steps: 10 })
  })

  it('exercises what it claims to across a few seeds', () => {
    const total = { snapshots: 0, joint: 0, crashes: 0, readyCrashes: 0, reads: 0, acked: 0 }
    for (let seed = 1; seed <= 60; seed++) {
      const r = runSeed(seed)
      if (!r.ok) throw new Error(describeFailure(r))
      total.snapshots += r.stats.snapshotsSent
      total.joint += r.stats.jointChangesApplied
      total.crashes += r.stats.crashes
      total.readyCrashes += r.stats.readyCrashes
      total.reads += r.stats.readsConfirmed
      total.acked += r.stats.acked
    }
    for (const [k, v] of Object.entries(total)) expect(v, k).toBeGreaterThan(0)
  })
})
