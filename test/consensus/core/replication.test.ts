import { describe, expect, it } from 'vitest'
import { ProposalDroppedError } from '../../../consensus/core/errors.js'
import type { Message } from '../../../consensus/core/types.js'
import { storageWithLog, TestCluster } from './harness/test-cluster.js'

const voters = ['n1', 'n2', 'n3']

/** Deliver everything until quiet, recording each message delivered. */
function stabilizeRecording(c: TestCluster): Message[] {
  const seen: Message[] = []
  for (let i = 0; i < 1000; i++) {
    let moved = false
    for (const id of c.nodes.keys()) if (c.processReady(id) !== undefined) moved = true
    seen.push(...c.queue.filter((m) => !c.drop(m)))
    if (c.deliver() > 0) moved = true
    if (!moved) return seen
  }
  throw new Error('did not stabilize')
}

describe('log replication', () => {
  it('replicates, commits and applies proposals on every node', () => {
    const c = new TestCluster({ voters })
    c.elect('n1')
    c.propose('n1', 'a')
    c.propose('n1', 'b')
    c.stabilize()
    for (const id of voters) expect(c.node(id).applied).toEqual(['', 'a', 'b'])
  })

  it('overwrites a follower\'s divergent uncommitted tail (log matching)', () => {
    const c = new TestCluster({ voters: [] })
    c.add('n1', storageWithLog(voters, [2, 2], { term: 4 }))
    c.add('n2', storageWithLog(voters, [2, 2], { term: 4 }))
    c.add('n3', storageWithLog(voters, [2, 3, 3, 3], { term: 3 }))
    c.elect('n1')
    expect(c.log('n3')).toEqual(c.log('n1'))
    expect(c.log('n3').map((e) => e.split(':')[0])).toEqual(['2/2', '2/3', '5/4'])
  })

  it('backtracks once per term of the leader\'s log (leader-side hint)', () => {
    // etcd's example: leader 1 3 3 3 5 5 5 5 5, follower 1 1 1 1 2 2.
    const c = new TestCluster({ voters: [] })
    c.add('n1', storageWithLog(['n1', 'n2'], [3, 3, 3, 5, 5, 5, 5, 5], { term: 5 }))
    c.add('n2', storageWithLog(['n1', 'n2'], [1, 1, 1, 2, 2], { term: 2 }))
    c.node('n1').rn.campaign()
    const seen = stabilizeRecording(c)
    expect(c.basic('n1').role).toBe('leader')
    expect(seen.filter((m) => m.type === 'app-resp' && m.reject).length).toBe(1)
    expect(c.log('n2')).toEqual(c.log('n1'))
  })

  it('backtracks past a follower\'s long divergent tail (follower-side hint)', () => {
    // etcd's example: leader 1 3 3 3 3 3 3 3 7, follower 1 3 3 4 4 5 5 5 6.
    const c = new TestCluster({ voters: [] })
    c.add('n1', storageWithLog(['n1', 'n2'], [3, 3, 3, 3, 3, 3, 3, 7], { term: 7 }))
    c.add('n2', storageWithLog(['n1', 'n2'], [3, 3, 4, 4, 5, 5, 5, 6], { term: 6 }))
    c.node('n1').rn.campaign()
    const seen = stabilizeRecording(c)
    const rejects = seen.filter((m) => m.type === 'app-resp' && m.reject)
    expect(rejects.map((m) => [m.rejectHint, m.logTerm])).toEqual([
      [9, 6],
      [3, 3],
    ])
    expect(c.log('n2')).toEqual(c.log('n1'))
  })

  it('never commits an old-term entry by counting replicas (Figure 8)', () => {
    const five = ['n1', 'n2', 'n3', 'n4', 'n5']
    const c = new TestCluster({ voters: [], init: { maxSizePerMsg: 1 } })
    // (b)/(c) of Figure 8: n1 led term 2 and replicated index 2 to n2; n5 led term 3 and wrote
    // its own index 2. n1 now wins term 4 with n2, n3, n4.
    c.add('n1', storageWithLog(five, [2], { term: 3 }))
    c.add('n2', storageWithLog(five, [2], { term: 2 }))
    c.add('n3', storageWithLog(five, [], { term: 3 }))
    c.add('n4', storageWithLog(five, [], { term: 3 }))
    c.add('n5', storageWithLog(five, [3], { term: 3 }))
    c.node('n1').rn.campaign()
    c.processReady('n1')
    c.deliver()
    for (const id of five) c.processReady(id)
    c.deliver((m) => m.to === 'n1')
    expect(c.basic('n1')).toMatchObject({ role: 'leader', term: 4 })
    // n1 replicates index 2 (term 2) to n3 and n4, but nothing else reaches anyone: index 2 is
    // now on a majority (n1, n3, n4) while the term-4 entry is only on n1.
    c.drop = (m) => m.to === 'n2' || m.to === 'n5'
    // Deliver n1's probes (rejected: n3 and n4 lack index 2) and the append of index 2, never the
    // term-4 entry.
    const harmless = (m: Message): boolean => m.entries.every((e) => e.term === 2) || m.index > c.node(m.to).rn.logView().lastIndex()
    for (let round = 0; round < 4; round++) {
      c.processReady('n1')
      c.deliver((m) => m.from === 'n1' && harmless(m))
      c.queue = c.queue.filter((m) => m.from !== 'n1')
      for (const id of ['n3', 'n4']) c.processReady(id)
      c.deliver((m) => m.to === 'n1')
    }
    expect(c.log('n3')).toEqual(['2/2:t2i2'])
    expect(c.basic('n1').commit).toBe(1)
    // (d): n1 fails; n5 wins term 5 with n2, n3, n4 (its last term 3 beats their 2) and
    // overwrites index 2. Had n1 committed it, a committed entry would now be lost.
    c.queue = []
    c.drop = (m) => m.to === 'n1' || m.from === 'n1'
    c.elect('n5')
    c.propose('n5', 'x')
    c.stabilize()
    for (const id of ['n2', 'n3', 'n4', 'n5']) expect(c.node(id).applied).toEqual(['t3i2', '', 'x'])
    expect(c.node('n1').applied).toEqual([])
  })
})

describe('proposals', () => {
  it('are forwarded by followers to the leader', () => {
    const c = new TestCluster({ voters })
    c.elect('n1')
    c.propose('n3', 'via-follower')
    c.stabilize()
    expect(c.node('n1').applied).toContain('via-follower')
  })

  it('are dropped with an error when there is no leader or forwarding is off', () => {
    const c = new TestCluster({ voters })
    expect(() => c.propose('n1', 'x')).toThrow(ProposalDroppedError)
    try {
      c.propose('n1', 'x')
    } catch (err) {
      expect((err as ProposalDroppedError).reason).toBe('no-leader')
    }
    c.node('n2').rn.campaign()
    expect(() => c.propose('n2', 'x')).toThrow(/no-leader/) // candidate
    c.stabilize()
    const d = new TestCluster({ voters, init: { disableProposalForwarding: true } })
    d.elect('n1')
    expect(() => d.propose('n2', 'x')).toThrow(/forwarding-disabled/)
  })

  it('are refused beyond the uncommitted size limit, and accepted again after commits', () => {
    const c = new TestCluster({ voters, init: { maxUncommittedBytes: 10 } })
    c.elect('n1')
    c.isolate('n1')
    c.propose('n1', '12345678')
    expect(() => c.propose('n1', '12345678')).toThrow(/uncommitted-limit/)
    c.heal()
    c.stabilize()
    c.tick('n1')
    c.stabilize()
    expect(c.basic('n1').commit).toBe(c.node('n1').rn.logView().lastIndex())
    c.propose('n1', '12345678')
  })

  it('are pipelined within the inflight window', () => {
    const c = new TestCluster({ voters, init: { maxInflightMsgs: 2, maxSizePerMsg: 1 } })
    c.elect('n1')
    for (let i = 0; i < 5; i++) c.propose('n1', `p${i}`)
    const rd = c.processReady('n1')!
    expect(rd.messages.filter((m) => m.to === 'n2' && m.type === 'app' && m.entries.length > 0).length).toBe(2)
    c.stabilize()
    expect(c.node('n2').applied).toEqual(['', 'p0', 'p1', 'p2', 'p3', 'p4'])
  })
})
