import { describe, expect, it } from 'vitest'
import { Prng } from '../../lib/prng.js'
import { schedule } from '../../node/scheduler/index.js'
import { node, pod, snapshot } from './fixtures.js'
import { randomSnapshot } from './random-snapshot.js'

describe('determinism', () => {
  it('the same snapshot and seed give the identical plan', () => {
    for (let s = 0; s < 20; s++) {
      const snap = randomSnapshot(s)
      expect(schedule(snap, { seed: 42 })).toEqual(schedule(structuredClone(snap), { seed: 42 }))
    }
  })

  it('the plan does not depend on the order the snapshot lists nodes, allocations or pods in', () => {
    for (let s = 0; s < 20; s++) {
      const snap = randomSnapshot(s)
      const prng = new Prng(s)
      const reordered = { nodes: prng.shuffle([...snap.nodes]), allocations: prng.shuffle([...snap.allocations]), pending: prng.shuffle([...snap.pending]) }
      expect(schedule(reordered, { seed: 7 })).toEqual(schedule(snap, { seed: 7 }))
    }
  })

  it('different seeds break ties between equal nodes differently', () => {
    const snap = snapshot([node('a'), node('b'), node('c')], [pod('p')])
    const chosen = new Set(Array.from({ length: 30 }, (_, seed) => schedule(snap, { seed }).placements[0]?.node))
    expect([...chosen].sort()).toEqual(['a', 'b', 'c'])
  })
})
