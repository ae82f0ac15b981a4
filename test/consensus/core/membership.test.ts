import { describe, expect, it } from 'vitest'
import type { ConfChange } from '../../../consensus/core/conf-change.js'
import { encodeConfChange, leaveJointConfChange } from '../../../consensus/core/conf-change.js'
import { ConfChangeInvalidError, ConfChangePendingError } from '../../../consensus/core/errors.js'
import { emptyConfState } from '../../../consensus/core/types.js'
import { MemoryStorage } from '../../../consensus/storage/memory-storage.js'
import { TestCluster } from './harness/test-cluster.js'

const voters = ['n1', 'n2', 'n3']
const change = (c: TestCluster, id: string, cc: ConfChange): void => {
  c.node(id).rn.proposeConfChange(cc)
  c.stabilize()
}
const add = (type: 'add-node' | 'add-learner' | 'remove-node', nodeId: string) => ({ type, nodeId })

describe('learners', () => {
  it('receive the log but neither count for commit nor campaign', () => {
    const c = new TestCluster({ voters, extra: ['n4'] })
    c.elect('n1')
    change(c, 'n1', { transition: 'auto', changes: [add('add-learner', 'n4')] })
    expect(c.status('n1').learners).toEqual(['n4'])
    c.propose('n1', 'x')
    c.stabilize()
    expect(c.node('n4').applied).toContain('x')
    // With both other voters gone, the learner's acknowledgement does not make a quorum.
    c.drop = (m) => ['n2', 'n3'].includes(m.to) || ['n2', 'n3'].includes(m.from)
    const commit = c.basic('n1').commit
    c.propose('n1', 'y')
    c.stabilize()
    expect(c.log('n4').at(-1)).toMatch(/:y$/)
    expect(c.basic('n1').commit).toBe(commit)
    // The learner never campaigns, however long it hears nothing.
    c.drop = () => true
    c.tick('n4', 100)
    expect(c.basic('n4').role).toBe('follower')
  })

  it('are promoted to voters and voters demoted to learners', () => {
    const c = new TestCluster({ voters, extra: ['n4'] })
    c.elect('n1')
    change(c, 'n1', { transition: 'auto', changes: [add('add-learner', 'n4')] })
    change(c, 'n1', { transition: 'auto', changes: [add('add-node', 'n4')] })
    expect(c.status('n4')).toMatchObject({ voters: ['n1', 'n2', 'n3', 'n4'], learners: [] })
    change(c, 'n1', { transition: 'auto', changes: [add('add-learner', 'n2')] })
    expect(c.status('n3')).toMatchObject({ voters: ['n1', 'n3', 'n4'], learners: ['n2'] })
  })
})

describe('membership changes', () => {
  it('allow one pending change at a time and validate against the configuration', () => {
    const c = new TestCluster({ voters, extra: ['n4', 'n5'] })
    c.elect('n1')
    c.node('n1').rn.proposeConfChange({ transition: 'auto', changes: [add('add-learner', 'n4')] })
    expect(() => c.node('n1').rn.proposeConfChange({ transition: 'auto', changes: [add('add-learner', 'n5')] })).toThrow(ConfChangePendingError)
    c.stabilize()
    c.node('n1').rn.proposeConfChange({ transition: 'auto', changes: [add('add-learner', 'n5')] })
    c.stabilize()
    expect(() => c.node('n1').rn.proposeConfChange({ transition: 'auto', changes: [add('add-node', 'n4'), add('add-node', 'n5')], })).not.toThrow()
    c.stabilize() // joint, auto-left
    expect(c.status('n1').voters).toEqual(['n1', 'n2', 'n3', 'n4', 'n5'])
    expect(() => c.node('n1').rn.proposeConfChange(leaveJointConfChange())).toThrow(ConfChangeInvalidError)
    // Changing two voters at once without joint consensus is refused up front.
    expect(() => c.node('n1').rn.proposeConfChange({ transition: 'auto', changes: [add('remove-node', 'n4')] })).not.toThrow()
    c.stabilize()
  })

  it('need a majority of both halves while joint', () => {
    const c = new TestCluster({ voters, extra: ['n4', 'n5'] })
    c.elect('n1')
    change(c, 'n1', { transition: 'joint-explicit', changes: [add('add-node', 'n4'), add('add-node', 'n5'), add('remove-node', 'n2'), add('remove-node', 'n3')] })
    expect(c.status('n1')).toMatchObject({ voters: ['n1', 'n4', 'n5'], votersOutgoing: ['n1', 'n2', 'n3'] })
    // n1, n4, n5 are a majority of the incoming half only.
    c.isolate('n2', 'n3')
    const commit = c.basic('n1').commit
    c.propose('n1', 'joint')
    c.stabilize()
    expect(c.basic('n1').commit).toBe(commit)
    c.heal()
    c.tick('n1')
    c.stabilize()
    expect(c.basic('n1').commit).toBeGreaterThan(commit)
    change(c, 'n1', leaveJointConfChange())
    expect(c.status('n1')).toMatchObject({ voters: ['n1', 'n4', 'n5'], votersOutgoing: [] })
    // Now n2 and n3 are gone and n1, n4, n5 suffice.
    c.isolate('n2', 'n3')
    c.propose('n1', 'after')
    c.stabilize()
    expect(c.node('n5').applied).toContain('after')
  })

  it('hand over from a leader that removes itself, once its log is committed', () => {
    const c = new TestCluster({ voters })
    c.elect('n1')
    c.node('n1').rn.proposeConfChange({ transition: 'auto', changes: [add('remove-node', 'n1')] })
    // The leader leaves its log as it is, so the remaining voters can take over from it.
    expect(() => c.propose('n1', 'late')).toThrow(/not-member/)
    c.stabilize()
    // No election timeout elapsed: the old leader handed over with timeout-now.
    const leaders = c.leaders()
    expect(leaders.length).toBe(1)
    expect(['n2', 'n3']).toContain(leaders[0])
    expect(c.basic('n1').role).toBe('follower')
    expect(c.status(leaders[0]!).voters).toEqual(['n2', 'n3'])
  })

  it('make a leader that inherits its own demotion lead only to commit it', () => {
    // Every log holds an uncommitted change (index 2) that demotes n2; n2 wins the election.
    const demote = encodeConfChange({ transition: 'auto', changes: [add('add-learner', 'n2')] })
    const c = new TestCluster({ voters: [] })
    for (const id of voters) {
      const s = new MemoryStorage()
      s.installSnapshot({ metadata: { index: 1, term: 1, confState: { ...emptyConfState(), voters } }, data: new Uint8Array(0) })
      s.append([{ index: 2, term: 2, type: 'conf-change', data: demote }])
      s.setHardState({ term: 2, vote: '', commit: 1 })
      c.add(id, s)
    }
    c.node('n2').rn.campaign()
    c.processReady('n2')
    c.deliver()
    for (const id of voters) c.processReady(id)
    c.deliver((m) => m.to === 'n2')
    expect(c.basic('n2').role).toBe('leader')
    expect(() => c.propose('n2', 'x')).toThrow(/not-member/)
    c.stabilize()
    expect(c.status('n2')).toMatchObject({ role: 'follower', learners: ['n2'] })
    expect(c.leaders().length).toBe(1)
  })
})
