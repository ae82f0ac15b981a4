import { describe, expect, it } from 'vitest'
import { TestCluster } from './harness/test-cluster.js'

const voters = ['n1', 'n2', 'n3']

describe('pre-vote', () => {
  it('keeps the term of a partitioned node, so it does not disrupt the leader on return', () => {
    const c = new TestCluster({ voters, init: { preVote: true } })
    c.elect('n1')
    c.isolate('n3')
    for (let i = 0; i < 5; i++) {
      c.tick('n3', 10)
      c.stabilize()
    }
    expect(c.basic('n3')).toMatchObject({ role: 'pre-candidate', term: 2 })
    c.heal()
    c.tick('n1')
    c.stabilize()
    expect(c.basic('n1')).toMatchObject({ role: 'leader', term: 2 })
    expect(c.basic('n3')).toMatchObject({ role: 'follower', term: 2, lead: 'n1' })
  })

  it('without pre-vote the same node forces a new election on return', () => {
    const c = new TestCluster({ voters, init: { preVote: false } })
    c.elect('n1')
    c.isolate('n3')
    for (let i = 0; i < 5; i++) {
      c.tick('n3', 10)
      c.stabilize()
    }
    expect(c.basic('n3').term).toBe(7)
    c.heal()
    // The leader's heartbeats at term 2 are ignored by n3, whose next campaign (term 8) deposes
    // the leader even though nothing was wrong with it.
    c.tick('n1')
    c.stabilize()
    c.tick('n3', 10)
    c.stabilize()
    expect(c.basic('n1').term).toBe(8)
    expect(c.basic('n1').role).not.toBe('leader')
  })

  it('turns a won pre-vote into a real election at the next term', () => {
    const c = new TestCluster({ voters, init: { preVote: true } })
    c.node('n2').rn.campaign()
    expect(c.basic('n2')).toMatchObject({ role: 'pre-candidate', term: 1 })
    const rd = c.processReady('n2')!
    // Pre-vote requests carry the term the node would campaign in; nothing is persisted.
    expect(rd.hardState).toBeUndefined()
    expect(rd.messages.map((m) => [m.type, m.term])).toEqual([['pre-vote', 2], ['pre-vote', 2]])
    c.stabilize()
    expect(c.basic('n2')).toMatchObject({ role: 'leader', term: 2 })
  })
})

describe('check quorum', () => {
  it('steps down a leader that heard from no quorum for an election timeout', () => {
    const c = new TestCluster({ voters, init: { checkQuorum: true } })
    c.elect('n1')
    c.isolate('n1')
    c.tick('n1', 10)
    expect(c.basic('n1').role).toBe('leader') // followers were active in the first interval
    c.tick('n1', 10)
    expect(c.basic('n1')).toMatchObject({ role: 'follower', lead: '' })
  })

  it('keeps a leader that hears from a quorum', () => {
    const c = new TestCluster({ voters, init: { checkQuorum: true } })
    c.elect('n1')
    c.isolate('n3')
    for (let i = 0; i < 30; i++) {
      c.tick('n1')
      c.stabilize()
    }
    expect(c.basic('n1').role).toBe('leader')
  })

  it('ignores vote requests while a leader is known within the lease', () => {
    const c = new TestCluster({ voters, init: { checkQuorum: true } })
    c.elect('n1')
    c.node('n2').rn.campaign()
    c.stabilize()
    expect(c.basic('n1')).toMatchObject({ role: 'leader', term: 2 })
    expect(c.basic('n3')).toMatchObject({ term: 2, vote: 'n1' })
    // Once the followers' lease expired (no heartbeats), a campaign succeeds.
    c.isolate('n1')
    c.tick('n3', 10)
    c.tick('n2', 10)
    c.stabilize()
    expect(c.leaders()).toContain('n2')
  })

  it('answers a stale leader so that it steps down', () => {
    const c = new TestCluster({ voters, init: { checkQuorum: true, preVote: true } })
    c.elect('n1')
    c.isolate('n1')
    // n3's lease runs out first (its own pre-vote fails: n2 is still within its lease), then n2's.
    c.tick('n3', 10)
    c.stabilize()
    c.tick('n2', 10)
    c.stabilize()
    expect(c.basic('n2')).toMatchObject({ role: 'leader', term: 3 })
    c.heal()
    // The old leader's heartbeat at term 2 gets an app-resp at term 3 back.
    c.tick('n1')
    c.stabilize()
    expect(c.basic('n1')).toMatchObject({ role: 'follower', term: 3 })
  })
})
