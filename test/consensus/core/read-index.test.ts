import { describe, expect, it } from 'vitest'
import { ReadIndexDroppedError } from '../../../consensus/core/errors.js'
import { TestCluster } from './harness/test-cluster.js'

const voters = ['n1', 'n2', 'n3']
const ctx = (s: string): Uint8Array => new TextEncoder().encode(s)
const text = (b: Uint8Array): string => new TextDecoder().decode(b)

describe('read index (ReadOnlySafe)', () => {
  it('answers a leader read at its commit index after a heartbeat round', () => {
    const c = new TestCluster({ voters })
    c.elect('n1')
    c.propose('n1', 'x')
    c.stabilize()
    c.node('n1').rn.readIndex(ctx('r1'))
    // Not before the quorum answered the heartbeat.
    c.processReady('n1')
    expect(c.node('n1').readStates).toEqual([])
    c.stabilize()
    expect(c.node('n1').readStates.map((r) => [r.index, text(r.requestCtx)])).toEqual([[3, 'r1']])
  })

  it('forwards a follower read to the leader', () => {
    const c = new TestCluster({ voters })
    c.elect('n1')
    c.node('n3').rn.readIndex(ctx('r2'))
    c.stabilize()
    expect(c.node('n3').readStates.map((r) => [r.index, text(r.requestCtx)])).toEqual([[2, 'r2']])
  })

  it('never confirms a read on a leader cut off from the quorum', () => {
    const c = new TestCluster({ voters })
    c.elect('n1')
    c.isolate('n1')
    c.node('n1').rn.readIndex(ctx('stale'))
    for (let i = 0; i < 5; i++) {
      c.tick('n1')
      c.stabilize()
    }
    expect(c.node('n1').readStates).toEqual([])
  })

  it('makes a new leader wait until it committed an entry of its term', () => {
    const c = new TestCluster({ voters })
    c.node('n1').rn.campaign()
    c.processReady('n1')
    c.deliver()
    for (const id of ['n2', 'n3']) c.processReady(id)
    c.deliver((m) => m.to === 'n1')
    expect(c.basic('n1').role).toBe('leader')
    c.node('n1').rn.readIndex(ctx('early'))
    c.processReady('n1')
    expect(c.node('n1').readStates).toEqual([])
    c.stabilize()
    // Answered with the index of the no-op, not the stale commit index of the election.
    expect(c.node('n1').readStates.map((r) => r.index)).toEqual([2])
  })

  it('does the same on a single voter', () => {
    const c = new TestCluster({ voters: ['n1'] })
    c.node('n1').rn.campaign()
    c.processReady('n1')
    expect(c.basic('n1').role).toBe('leader')
    c.node('n1').rn.readIndex(ctx('solo'))
    expect(c.node('n1').readStates).toEqual([])
    c.processReady('n1') // persists the no-op, which commits it
    c.processReady('n1')
    expect(c.node('n1').readStates.map((r) => r.index)).toEqual([2])
  })

  it('refuses a read when no leader is known', () => {
    const c = new TestCluster({ voters })
    expect(() => c.node('n2').rn.readIndex(ctx('x'))).toThrow(ReadIndexDroppedError)
  })
})
