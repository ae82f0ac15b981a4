// The checks must be able to fail: feed the checker histories that violate each property.

import { describe, expect, it } from 'vitest'
import type { RaftLogView } from '../../../consensus/core/raft-log.js'
import type { BasicStatus } from '../../../consensus/core/status.js'
import type { Entry } from '../../../consensus/core/types.js'
import { MemoryStorage } from '../../../consensus/storage/memory-storage.js'
import { chainHash, entryKey, freshCheckState, SafetyChecker } from './invariants.js'

const enc = new TextEncoder()
const e = (index: number, term: number, data = `d${index}`): Entry => ({ index, term, type: 'normal', data: enc.encode(data) })
const status = (id: string, role: BasicStatus['role'], term: number, commit: number): BasicStatus => ({ id, role, term, vote: '', lead: '', commit, applied: 0, leadTransferee: '' })

function view(entries: Entry[]): RaftLogView {
  const first = entries[0]?.index ?? 1
  return {
    committed: 0,
    applied: 0,
    firstIndex: () => first,
    lastIndex: () => first + entries.length - 1,
    term: (i) => entries[i - first]?.term,
    slice: (lo, hi) => entries.slice(lo - first, hi - first),
  }
}

function storage(entries: Entry[]): MemoryStorage {
  const s = new MemoryStorage()
  s.append(entries)
  return s
}

describe('safety checker', () => {
  it('catches two leaders in one term', () => {
    const c = new SafetyChecker()
    c.observeRole(status('a', 'leader', 3, 0))
    c.observeRole(status('a', 'leader', 3, 0))
    expect(() => c.observeRole(status('b', 'leader', 3, 0))).toThrow(/election-safety/)
  })

  it('catches durable logs that disagree on an (index, term)', () => {
    const c = new SafetyChecker()
    c.onDurableEntries('a', [e(1, 1), e(2, 1)], storage([e(1, 1), e(2, 1)]))
    expect(() => c.onDurableEntries('b', [e(2, 1, 'other')], storage([e(1, 1), e(2, 1, 'other')]))).toThrow(/log-matching/)
    // Same entry but a different predecessor term: the prefixes differ.
    expect(() => c.onDurableEntries('b', [e(2, 1)], storage([e(1, 2), e(2, 1)]))).toThrow(/log-matching/)
  })

  it('catches nodes committing different entries at an index', () => {
    const c = new SafetyChecker()
    c.observeCommit('a', status('a', 'leader', 2, 2), view([e(1, 1), e(2, 2)]), freshCheckState())
    expect(() => c.observeCommit('b', status('b', 'follower', 3, 2), view([e(1, 1), e(2, 3)]), freshCheckState())).toThrow(/state-machine-safety/)
  })

  it('catches a leader missing a committed entry', () => {
    const c = new SafetyChecker()
    c.observeCommit('a', status('a', 'leader', 2, 3), view([e(1, 1), e(2, 2), e(3, 2)]), freshCheckState())
    expect(() => c.observeLeader('b', status('b', 'leader', 3, 1), view([e(1, 1), e(2, 2)]), freshCheckState())).toThrow(/leader-completeness/)
    expect(() => c.observeLeader('b', status('b', 'leader', 3, 1), view([e(1, 1), e(2, 2), e(3, 3)]), freshCheckState())).toThrow(/leader-completeness/)
    // A stale leader of an older term need not have it.
    expect(() => c.observeLeader('c', status('c', 'leader', 1, 1), view([e(1, 1)]), freshCheckState())).not.toThrow()
  })

  it('catches different applied entries or states', () => {
    const c = new SafetyChecker()
    c.onApply('a', e(2, 1), entryKey(e(2, 1)), chainHash(0, entryKey(e(2, 1))))
    expect(() => c.onApply('b', e(2, 1, 'x'), entryKey(e(2, 1, 'x')), 1)).toThrow(/state-machine-safety/)
    expect(() => c.onSnapshotApply('b', 2, 12345)).toThrow(/state-machine-safety/)
  })

  it('catches a lost acknowledged proposal', () => {
    const c = new SafetyChecker()
    c.onAck('p1', 2, entryKey(e(2, 1, 'p1')))
    expect(() => c.observeCommit('a', status('a', 'leader', 2, 2), view([e(1, 1), e(2, 2, 'other')]), freshCheckState())).toThrow(/acked-proposal-lost|state-machine-safety/)
    const d = new SafetyChecker()
    d.onAck('p1', 2, entryKey(e(2, 1, 'p1')))
    expect(() => d.checkAckedIn('a', view([e(1, 1), e(2, 2)]))).toThrow(/acked-proposal-lost/)
  })

  it('catches a stale read', () => {
    const c = new SafetyChecker()
    c.observeCommit('a', status('a', 'leader', 2, 3), view([e(1, 1), e(2, 2), e(3, 2)]), freshCheckState())
    c.onReadIssued('r1')
    expect(() => c.onReadState('b', 'r1', 2)).toThrow(/read-linearizability/)
  })

  it('cross-checks final durable logs pairwise', () => {
    const c = new SafetyChecker()
    expect(() =>
      c.checkDurableLogsPairwise([
        { node: 'a', storage: storage([e(1, 1), e(2, 1), e(3, 2)]) },
        { node: 'b', storage: storage([e(1, 1), e(2, 1, 'x'), e(3, 2)]) },
      ]),
    ).toThrow(/log-matching/)
  })
})
