import { describe, expect, it } from 'vitest'
import { RawNode } from '../../../consensus/core/raw-node.js'
import { message } from '../../../consensus/core/types.js'
import { MemoryStorage } from '../../../consensus/storage/memory-storage.js'
import { storageWithLog, TestCluster } from './harness/test-cluster.js'

const voters = ['n1', 'n2', 'n3']

describe('leader election', () => {
  it('elects a leader once a follower times out, which commits a no-op of its term', () => {
    const c = new TestCluster({ voters })
    c.tick('n1', 9)
    expect(c.basic('n1').role).toBe('follower')
    c.tick('n1')
    expect(c.basic('n1').role).toBe('candidate')
    c.stabilize()
    expect(c.basic('n1')).toMatchObject({ role: 'leader', term: 2, commit: 2 })
    expect(c.log('n2')).toEqual(['2/2:'])
    for (const id of voters) expect(c.basic(id).lead).toBe('n1')
  })

  it('randomises the election timeout in [electionTick, 2*electionTick) with the injected source', () => {
    const asked: number[] = []
    const storage = new MemoryStorage()
    const rn = new RawNode({ storage }, { id: 'n1', electionTick: 5, preVote: false, randomInt: (n) => (asked.push(n), 3) })
    rn.bootstrap(['n1', 'n2', 'n3'])
    const rd = rn.ready()
    storage.installSnapshot(rd.snapshot!)
    storage.setHardState(rd.hardState!)
    rn.advance(rd)
    expect(asked.every((n) => n === 5)).toBe(true)
    for (let i = 0; i < 7; i++) rn.tick()
    expect(rn.basicStatus().role).toBe('follower')
    rn.tick()
    expect(rn.basicStatus().role).toBe('candidate')
  })

  it('persists the vote before answering it, and votes once per term', () => {
    const c = new TestCluster({ voters })
    c.node('n1').rn.campaign()
    c.processReady('n1')
    c.deliver((m) => m.to === 'n2')
    const rd = c.processReady('n2')!
    expect(rd.hardState).toMatchObject({ term: 2, vote: 'n1' })
    expect(rd.mustSync).toBe(true)
    expect(rd.messages).toEqual([expect.objectContaining({ type: 'vote-resp', to: 'n1', reject: false })])
    // n3 also campaigns in term 2: n2 already voted for n1 and must refuse.
    c.queue = []
    c.node('n3').rn.campaign()
    c.processReady('n3')
    c.deliver((m) => m.to === 'n2')
    const rd2 = c.processReady('n2')!
    expect(rd2.messages).toEqual([expect.objectContaining({ type: 'vote-resp', to: 'n3', reject: true })])
  })

  it('refuses votes to a candidate whose log is behind (§5.4.1)', () => {
    const c = new TestCluster({ voters: [] })
    c.add('n1', storageWithLog(voters, [2]))
    c.add('n2', storageWithLog(voters, [2, 3]))
    c.add('n3', storageWithLog(voters, [2, 3]))
    c.node('n1').rn.campaign()
    c.stabilize()
    expect(c.basic('n1').role).not.toBe('leader')
    c.node('n2').rn.campaign()
    c.stabilize()
    expect(c.basic('n2').role).toBe('leader')
  })

  it('recovers from a split vote with a later election', () => {
    const c = new TestCluster({ voters: ['n1', 'n2', 'n3', 'n4'] })
    // n1 and n2 campaign at once; each gets its own vote and one other.
    c.node('n1').rn.campaign()
    c.node('n2').rn.campaign()
    c.processReady('n1')
    c.processReady('n2')
    c.deliver((m) => (m.from === 'n1' && m.to === 'n3') || (m.from === 'n2' && m.to === 'n4'))
    c.stabilize()
    expect(c.leaders()).toEqual([])
    c.tick('n1', 10)
    c.stabilize()
    expect(c.leaders()).toEqual(['n1'])
    expect(c.basic('n1').term).toBe(3)
  })

  it('counts a single voter\'s own vote only once it is persisted', () => {
    const c = new TestCluster({ voters: ['n1'] })
    c.node('n1').rn.campaign()
    expect(c.basic('n1').role).toBe('candidate')
    c.processReady('n1') // persists term and vote, then steps the self-vote in advance()
    expect(c.basic('n1').role).toBe('leader')
  })

  it('steps a leader down when it sees a higher term', () => {
    const c = new TestCluster({ voters })
    c.elect('n1')
    c.isolate('n1')
    c.tick('n2', 10)
    c.stabilize()
    expect(c.basic('n2')).toMatchObject({ role: 'leader', term: 3 })
    expect(c.basic('n1').role).toBe('leader')
    c.heal()
    c.tick('n2')
    c.stabilize()
    expect(c.basic('n1')).toMatchObject({ role: 'follower', term: 3, lead: 'n2' })
  })

  it('tells a candidate of an older term the current term (§5.1)', () => {
    const c = new TestCluster({ voters })
    c.elect('n1')
    // A vote request from term 1 reaches n2 (term 2): rejected with n2's term, not ignored.
    c.node('n2').rn.step(message({ type: 'vote', from: 'n3', to: 'n2', term: 1, index: 1, logTerm: 1 }))
    const rd = c.processReady('n2')!
    expect(rd.messages).toEqual([expect.objectContaining({ type: 'vote-resp', to: 'n3', term: 2, reject: true })])
    // Such an answer makes a lagging candidate adopt the term at once.
    const d = new TestCluster({ voters })
    d.node('n3').rn.campaign()
    d.node('n3').rn.step(message({ type: 'vote-resp', from: 'n1', to: 'n3', term: 7, reject: true }))
    expect(d.basic('n3')).toMatchObject({ role: 'follower', term: 7 })
  })

  it('does not campaign as a learner or a non-member', () => {
    const c = new TestCluster({ voters: ['n1'], extra: ['n9'] })
    c.tick('n9', 100)
    expect(c.basic('n9')).toMatchObject({ role: 'follower', term: 0 })
  })
})
