import { describe, expect, it } from 'vitest'
import { TestCluster } from './harness/test-cluster.js'

const voters = ['n1', 'n2', 'n3']

function compact(c: TestCluster, id: string): number {
  const n = c.node(id)
  n.storage.makeSnapshot(n.appliedIndex, n.confState, new TextEncoder().encode(`state@${n.appliedIndex}`))
  n.storage.compactTo(n.appliedIndex)
  return n.appliedIndex
}

describe('snapshots', () => {
  it('catch up a follower whose missing entries were compacted away', () => {
    const c = new TestCluster({ voters })
    c.elect('n1')
    c.isolate('n3')
    for (let i = 0; i < 5; i++) c.propose('n1', `e${i}`)
    c.stabilize()
    const index = compact(c, 'n1')
    c.heal()
    c.propose('n1', 'after')
    c.stabilize()
    const n3 = c.node('n3')
    expect(n3.readies.some((rd) => rd.snapshot?.metadata.index === index)).toBe(true)
    expect(n3.storage.snapshot().metadata.index).toBe(index)
    expect(n3.confState.voters).toEqual(voters)
    expect(n3.applied).toEqual(['', 'after']) // the no-op before the partition, then 'after'
    expect(c.status('n1').progress!['n3']).toMatchObject({ state: 'replicate', match: c.basic('n1').commit })
  })

  it('are retried after the driver reports a failed send', () => {
    const c = new TestCluster({ voters })
    c.elect('n1')
    c.isolate('n3')
    c.propose('n1', 'a')
    c.stabilize()
    const index = compact(c, 'n1')
    // The link is back but snapshots get lost: the leader waits in snapshot state until told.
    c.drop = (m) => m.type === 'snap'
    c.tick('n1')
    c.stabilize()
    expect(c.status('n1').progress!['n3']).toMatchObject({ state: 'snapshot', paused: true })
    c.tick('n1', 3)
    c.stabilize()
    expect(c.status('n1').progress!['n3']!.state).toBe('snapshot')
    c.node('n1').rn.reportSnapshot('n3', false)
    expect(c.status('n1').progress!['n3']).toMatchObject({ state: 'probe', paused: true })
    c.heal()
    c.tick('n1')
    c.stabilize()
    expect(c.node('n3').storage.snapshot().metadata.index).toBe(index)
    expect(c.node('n3').appliedIndex).toBe(c.basic('n1').commit)
    expect(c.status('n1').progress!['n3']!.state).toBe('replicate')
  })

  it('bring a brand-new member up to date from the bootstrap snapshot', () => {
    const c = new TestCluster({ voters, extra: ['n4'] })
    c.elect('n1')
    c.propose('n1', 'x')
    c.stabilize()
    compact(c, 'n1')
    c.node('n1').rn.proposeConfChange({ transition: 'auto', changes: [{ type: 'add-learner', nodeId: 'n4' }] })
    c.stabilize()
    expect(c.node('n4').storage.snapshot().metadata.index).toBeGreaterThan(1)
    expect(c.status('n4').learners).toEqual(['n4'])
    expect(c.node('n4').appliedIndex).toBe(c.basic('n1').commit)
  })

  it('restart a node from its snapshot and the entries after it', () => {
    const c = new TestCluster({ voters })
    c.elect('n1')
    c.propose('n1', 'a')
    c.stabilize()
    const index = compact(c, 'n2')
    c.propose('n1', 'b')
    c.stabilize()
    c.restart('n2')
    expect(c.basic('n2')).toMatchObject({ applied: index, commit: c.basic('n1').commit })
    expect(c.status('n2').voters).toEqual(voters)
    // Entries after the snapshot are re-delivered for applying.
    c.processReady('n2')
    expect(c.node('n2').applied).toEqual(['b'])
  })

  it('are deferred while committed entries are still being applied', () => {
    const c = new TestCluster({ voters })
    c.elect('n1')
    c.propose('n1', 'a')
    c.propose('n1', 'b')
    c.processReady('n1')
    c.deliver()
    for (const id of ['n2', 'n3']) c.processReady(id)
    c.deliver()
    c.processReady('n1') // commits 'a' and 'b', tells the followers
    c.deliver((m) => m.to === 'n3')
    c.queue = []
    // n3 takes a Ready with 'a' and 'b' to apply, and is still applying them when a snapshot
    // taken after a later entry arrives.
    const n3 = c.node('n3').rn
    const rd = n3.ready()
    expect(rd.committedEntries.length).toBe(2)
    c.isolate('n3')
    c.propose('n1', 'c')
    c.stabilize()
    compact(c, 'n1')
    const snap = c.node('n1').storage.snapshot()
    const snapMsg = { type: 'snap' as const, to: 'n3', from: 'n1', term: 2, logTerm: 0, index: 0, entries: [], commit: 0, reject: false, rejectHint: 0, context: new Uint8Array(0), snapshot: snap }
    n3.step(snapMsg)
    n3.advance(rd)
    const next = n3.ready()
    expect(next.snapshot).toBeUndefined()
    expect(next.messages).toEqual([expect.objectContaining({ type: 'app-resp', index: 4 })])
    n3.advance(next)
    // Once applied, the same snapshot is accepted.
    n3.step(snapMsg)
    expect(n3.ready().snapshot?.metadata.index).toBe(snap.metadata.index)
  })

  it('are ignored when older than the follower\'s commit', () => {
    const c = new TestCluster({ voters })
    c.elect('n1')
    c.propose('n1', 'a')
    c.stabilize()
    const snap = c.node('n1').storage.snapshot()
    c.node('n2').rn.step({ type: 'snap', to: 'n2', from: 'n1', term: 2, logTerm: 0, index: 0, entries: [], commit: 0, reject: false, rejectHint: 0, context: new Uint8Array(0), snapshot: snap })
    const rd = c.processReady('n2')!
    expect(rd.snapshot).toBeUndefined()
    expect(rd.messages).toEqual([expect.objectContaining({ type: 'app-resp', index: c.basic('n2').commit })])
  })
})
