import { describe, expect, it } from 'vitest'
import { TestCluster } from './harness/test-cluster.js'

const voters = ['n1', 'n2', 'n3']

describe('leadership transfer', () => {
  it('hands leadership to an up-to-date follower at once', () => {
    const c = new TestCluster({ voters, init: { checkQuorum: true, preVote: true } })
    c.elect('n1')
    c.node('n1').rn.transferLeader('n2')
    c.stabilize()
    // No pre-vote and no lease delay: the transfer context lets n3 vote right away.
    expect(c.basic('n2')).toMatchObject({ role: 'leader', term: 3 })
    expect(c.basic('n1')).toMatchObject({ role: 'follower', lead: 'n2' })
  })

  it('catches a lagging target up first and refuses proposals meanwhile', () => {
    const c = new TestCluster({ voters })
    c.elect('n1')
    c.isolate('n2')
    c.propose('n1', 'a')
    c.stabilize()
    c.heal()
    c.node('n1').rn.transferLeader('n2')
    expect(c.status('n1').leadTransferee).toBe('n2')
    expect(() => c.propose('n1', 'b')).toThrow(/leadership-transfer/)
    c.stabilize()
    expect(c.basic('n2').role).toBe('leader')
    expect(c.node('n2').applied).toContain('a')
  })

  it('is forwarded by a follower to the leader', () => {
    const c = new TestCluster({ voters })
    c.elect('n1')
    c.node('n3').rn.transferLeader('n3')
    c.stabilize()
    expect(c.basic('n3').role).toBe('leader')
  })

  it('is abandoned after an election timeout', () => {
    const c = new TestCluster({ voters })
    c.elect('n1')
    c.isolate('n3')
    c.node('n1').rn.transferLeader('n3')
    c.stabilize()
    expect(c.status('n1').leadTransferee).toBe('n3')
    c.tick('n1', 10)
    expect(c.status('n1').leadTransferee).toBe('')
    expect(c.basic('n1').role).toBe('leader')
    c.propose('n1', 'after')
  })

  it('is ignored for a learner', () => {
    const c = new TestCluster({ voters, extra: ['n4'] })
    c.elect('n1')
    c.node('n1').rn.proposeConfChange({ transition: 'auto', changes: [{ type: 'add-learner', nodeId: 'n4' }] })
    c.stabilize()
    c.node('n1').rn.transferLeader('n4')
    expect(c.status('n1').leadTransferee).toBe('')
  })
})
