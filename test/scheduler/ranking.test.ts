import { describe, expect, it } from 'vitest'
import { schedule } from '../../node/scheduler/index.js'
import { allocation, bindings, GiB, node, perNode, pod, replicas, snapshot } from './fixtures.js'

const three = (): ReturnType<typeof node>[] => [node('a'), node('b'), node('c')]

describe('ranking', () => {
  it('spreads 6 replicas of one controller 2/2/2 over 3 nodes', () => {
    for (const seed of [1, 2, 3, 4, 5]) {
      const plan = schedule(snapshot(three(), replicas('rc', 6)), { seed })
      expect(perNode(plan)).toEqual({ a: 2, b: 2, c: 2 })
    }
  })

  it('spreads replicas even when binpack would rather fill one node', () => {
    const plan = schedule(snapshot(three(), replicas('rc', 6)), { seed: 1, strategy: 'binpack' })
    expect(perNode(plan)).toEqual({ a: 2, b: 2, c: 2 })
  })

  it('counts committed replicas of the owner: new ones go where the owner has fewest', () => {
    const existing = [allocation('old-0', 'a', { ownerUid: 'rc' }), allocation('old-1', 'a', { ownerUid: 'rc' }), allocation('old-2', 'b', { ownerUid: 'rc' })]
    const plan = schedule(snapshot(three(), replicas('rc', 3), existing), { seed: 1 })
    // Ends 2/2/2 with the committed ones: c takes two, b one, a none.
    expect(perNode(plan)).toEqual({ b: 1, c: 2 })
  })

  it('replicas of another owner do not count toward spreading, but their resources do', () => {
    const existing = [allocation('x', 'a', { ownerUid: 'other', cpuMillis: 3000, memoryBytes: 6 * GiB })]
    const plan = schedule(snapshot(three(), [pod('p', { ownerUid: 'rc' })], existing), { seed: 1 })
    expect(plan.placements[0]?.node).not.toBe('a')
  })

  it('spread prefers the least allocated node, binpack the most allocated feasible one', () => {
    const nodes = [node('empty'), node('half'), node('full')]
    const existing = [
      allocation('h', 'half', { cpuMillis: 2000, memoryBytes: 4 * GiB }),
      allocation('f', 'full', { cpuMillis: 3950, memoryBytes: 8 * GiB - 10 }),
    ]
    const pending = [pod('p', { requests: { cpuMillis: 500, memoryBytes: GiB } })]
    expect(bindings(schedule(snapshot(nodes, pending, existing), { seed: 1 }))).toEqual({ p: 'empty' })
    expect(bindings(schedule(snapshot(nodes, pending, existing), { seed: 1, strategy: 'binpack' }))).toEqual({ p: 'half' })
  })

  it('spread scores free fraction, so a big node with room beats a small empty one', () => {
    const nodes = [node('small', { allocatable: { cpuMillis: 1000, memoryBytes: GiB } }), node('big', { allocatable: { cpuMillis: 16000, memoryBytes: 32 * GiB } })]
    const pending = [pod('p', { requests: { cpuMillis: 500, memoryBytes: GiB / 2 } })]
    expect(bindings(schedule(snapshot(nodes, pending), { seed: 1 }))).toEqual({ p: 'big' })
    expect(bindings(schedule(snapshot(nodes, pending), { seed: 1, strategy: 'binpack' }))).toEqual({ p: 'small' })
  })

  it('binpack fills one node before the next for pods without an owner', () => {
    const nodes = [node('a', { allocatable: { cpuMillis: 1000, memoryBytes: 8 * GiB } }), node('b', { allocatable: { cpuMillis: 1000, memoryBytes: 8 * GiB } })]
    const pending = Array.from({ length: 4 }, (_, i) => pod(`p${i}`, { requests: { cpuMillis: 500, memoryBytes: GiB } }))
    const counts = Object.values(perNode(schedule(snapshot(nodes, pending), { seed: 9, strategy: 'binpack' })))
    expect(counts).toEqual([2, 2])
    const first = schedule(snapshot(nodes, pending.slice(0, 2)), { seed: 9, strategy: 'binpack' })
    expect(new Set(first.placements.map((p) => p.node)).size).toBe(1)
    const spread = schedule(snapshot(nodes, pending.slice(0, 2)), { seed: 9 })
    expect(new Set(spread.placements.map((p) => p.node)).size).toBe(2)
  })
})
