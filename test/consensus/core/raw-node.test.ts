import { describe, expect, it } from 'vitest'
import { BootstrapError, RaftConfigError, RaftInvariantError, ReadyNotAdvancedError, StepLocalMessageError } from '../../../consensus/core/errors.js'
import { RawNode } from '../../../consensus/core/raw-node.js'
import { message } from '../../../consensus/core/types.js'
import { MemoryStorage } from '../../../consensus/storage/memory-storage.js'
import { storageWithLog, TestCluster } from './harness/test-cluster.js'

const voters = ['n1', 'n2', 'n3']

describe('RawNode', () => {
  it('bootstraps with a snapshot at index 1 that the first Ready persists', () => {
    const storage = new MemoryStorage()
    const rn = new RawNode({ storage }, { id: 'n1' })
    expect(rn.hasReady()).toBe(false)
    rn.bootstrap(['n3', 'n1', 'n2'])
    const rd = rn.ready()
    expect(rd.snapshot?.metadata).toEqual({ index: 1, term: 1, confState: { voters, learners: [], votersOutgoing: [], learnersNext: [], autoLeave: false } })
    expect(rd.hardState).toEqual({ term: 1, vote: '', commit: 1 })
    expect(rd.mustSync).toBe(true)
    expect(rd.committedEntries).toEqual([])
    storage.installSnapshot(rd.snapshot!)
    storage.setHardState(rd.hardState!)
    rn.advance(rd)
    expect(rn.basicStatus()).toMatchObject({ applied: 1, commit: 1, term: 1 })
    expect(() => new RawNode({ storage }, { id: 'n1' }).bootstrap(voters)).toThrow(BootstrapError)
  })

  it('validates its configuration', () => {
    const storage = new MemoryStorage()
    expect(() => new RawNode({ storage }, { id: '' })).toThrow(RaftConfigError)
    expect(() => new RawNode({ storage }, { id: 'n1', electionTick: 2, heartbeatTick: 2 })).toThrow(RaftConfigError)
    expect(() => new RawNode({ storage }, { id: 'n1', maxInflightMsgs: 0 })).toThrow(RaftConfigError)
  })

  it('hands out one Ready at a time', () => {
    const c = new TestCluster({ voters })
    const rn = c.node('n1').rn
    rn.campaign()
    expect(rn.hasReady()).toBe(true)
    const rd = rn.ready()
    expect(rn.hasReady()).toBe(false)
    expect(() => rn.ready()).toThrow(ReadyNotAdvancedError)
    // Inputs between ready() and advance() are fine (a driver awaiting its fsync steps them).
    rn.step(message({ type: 'vote-resp', from: 'n2', to: 'n1', term: 2 }))
    expect(rn.basicStatus().role).toBe('candidate') // its own vote counts only once persisted
    rn.advance(rd)
    expect(rn.basicStatus().role).toBe('leader')
    expect(rn.hasReady()).toBe(true)
  })

  it('refuses local-only message types from the network', () => {
    const c = new TestCluster({ voters })
    for (const type of ['hup', 'beat', 'check-quorum', 'unreachable', 'snap-status'] as const) {
      expect(() => c.node('n1').rn.step(message({ type, from: 'n2', to: 'n1' }))).toThrow(StepLocalMessageError)
    }
    // Answers from strangers are ignored rather than thrown.
    expect(() => c.node('n1').rn.step(message({ type: 'app-resp', from: 'x9', to: 'n1', term: 1 }))).not.toThrow()
  })

  it('puts a vote answer in the Ready that persists the vote, never a message to itself', () => {
    const c = new TestCluster({ voters })
    c.node('n1').rn.campaign()
    const rd = c.processReady('n1')!
    expect(rd.hardState).toMatchObject({ term: 2, vote: 'n1' })
    expect(rd.messages.every((m) => m.to !== 'n1')).toBe(true)
    c.deliver((m) => m.to === 'n2')
    const rd2 = c.processReady('n2')!
    expect(rd2.hardState).toMatchObject({ vote: 'n1' })
    expect(rd2.messages.map((m) => m.type)).toEqual(['vote-resp'])
  })

  it('does not require an fsync for a commit-only change', () => {
    const c = new TestCluster({ voters })
    c.elect('n1')
    c.propose('n1', 'x')
    c.processReady('n1')
    c.deliver()
    for (const id of ['n2', 'n3']) expect(c.processReady(id)!.mustSync).toBe(true) // entries
    c.deliver()
    const rd = c.processReady('n1')!
    expect(rd.hardState?.commit).toBe(3)
    expect(rd.entries).toEqual([])
    expect(rd.mustSync).toBe(false)
  })

  it('does not re-deliver entries up to the applied index after a restart', () => {
    const c = new TestCluster({ voters: [] })
    c.add('n1', storageWithLog(voters, [2, 2, 2], { commit: 4 }), 3)
    const rd = c.node('n1').rn.ready()
    expect(rd.committedEntries.map((e) => e.index)).toEqual([4])
  })

  it('tolerates a stored commit index below its snapshot, and refuses one beyond its log', () => {
    const s = storageWithLog(voters, [2, 2, 2])
    s.makeSnapshot(3, { voters, learners: [], votersOutgoing: [], learnersNext: [], autoLeave: false }, new Uint8Array(0))
    s.compactTo(3)
    s.setHardState({ term: 2, vote: '', commit: 1 })
    expect(new RawNode({ storage: s }, { id: 'n1', applied: 3 }).basicStatus().commit).toBe(3)
    s.setHardState({ term: 2, vote: '', commit: 9 })
    expect(() => new RawNode({ storage: s }, { id: 'n1' })).toThrow(RaftInvariantError)
  })

  it('reports progress only on the leader', () => {
    const c = new TestCluster({ voters })
    c.elect('n1')
    expect(Object.keys(c.status('n1').progress!)).toEqual(voters)
    expect(c.status('n2').progress).toBeUndefined()
    expect(c.status('n2')).toMatchObject({ role: 'follower', lead: 'n1', term: 2, voters })
  })
})
