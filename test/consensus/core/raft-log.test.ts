import { describe, expect, it } from 'vitest'
import { RaftInvariantError } from '../../../consensus/core/errors.js'
import { UnstableLog } from '../../../consensus/core/log-unstable.js'
import { limitSize, RaftLog } from '../../../consensus/core/raft-log.js'
import type { Entry, Snapshot } from '../../../consensus/core/types.js'
import { emptyConfState } from '../../../consensus/core/types.js'
import { MemoryStorage } from '../../../consensus/storage/memory-storage.js'

const ent = (index: number, term: number, size = 0): Entry => ({ index, term, type: 'normal', data: new Uint8Array(size) })
const ents = (from: number, terms: number[]): Entry[] => terms.map((t, i) => ent(from + i, t))
const snap = (index: number, term: number): Snapshot => ({ metadata: { index, term, confState: emptyConfState() }, data: new Uint8Array(0) })

function logWith(stored: number[], unstable: number[] = []): RaftLog {
  const s = new MemoryStorage()
  s.append(ents(1, stored))
  const log = new RaftLog(s)
  if (unstable.length > 0) log.append(ents(stored.length + 1, unstable))
  return log
}

describe('unstable log', () => {
  it('hands out entries once and marks them stable by (index, term)', () => {
    const u = new UnstableLog(5)
    u.truncateAndAppend(ents(5, [1, 1, 2]))
    expect(u.nextEntries().map((e) => e.index)).toEqual([5, 6, 7])
    u.acceptInProgress()
    expect(u.nextEntries()).toEqual([])
    // A stale acknowledgement (wrong term) is ignored.
    u.stableTo(6, 2)
    expect(u.offset).toBe(5)
    u.stableTo(6, 1)
    expect(u.offset).toBe(7)
    expect(u.entries.map((e) => e.index)).toEqual([7])
  })

  it('re-hands out entries that were overwritten while in progress', () => {
    const u = new UnstableLog(5)
    u.truncateAndAppend(ents(5, [1, 1, 1]))
    u.acceptInProgress()
    u.truncateAndAppend(ents(6, [2]))
    expect(u.entries.map((e) => `${e.index}/${e.term}`)).toEqual(['5/1', '6/2'])
    expect(u.nextEntries().map((e) => e.index)).toEqual([6])
    // Replace from before the offset.
    u.truncateAndAppend(ents(3, [3]))
    expect(u.offset).toBe(3)
    expect(u.nextEntries().map((e) => e.index)).toEqual([3])
  })

  it('answers terms from a pending snapshot', () => {
    const u = new UnstableLog(1)
    u.restore(snap(10, 4))
    expect(u.maybeTerm(10)).toBe(4)
    expect(u.maybeTerm(9)).toBeUndefined()
    expect(u.maybeFirstIndex()).toBe(11)
    expect(u.maybeLastIndex()).toBe(10)
    expect(u.nextSnapshot()).toBeDefined()
    u.acceptInProgress()
    expect(u.nextSnapshot()).toBeUndefined()
    u.stableSnapTo(10)
    expect(u.snapshot).toBeUndefined()
  })
})

describe('raft log', () => {
  it('reads terms across storage and unstable, and out of range as undefined', () => {
    const log = logWith([1, 1, 2], [3, 3])
    expect([0, 1, 3, 4, 5].map((i) => log.term(i))).toEqual([0, 1, 2, 3, 3])
    expect(log.term(6)).toBeUndefined()
    expect(log.lastIndex()).toBe(5)
    expect(log.lastTerm()).toBe(3)
  })

  it('appends after a matching entry and truncates a conflicting suffix', () => {
    const log = logWith([1, 1, 1, 1])
    // Mismatch at the previous entry.
    expect(log.maybeAppend(4, 2, 0, ents(5, [2]))).toBeUndefined()
    // Match at 2, conflict at 3: 3 and 4 are replaced.
    expect(log.maybeAppend(2, 1, 3, ents(3, [2, 2, 2]))).toBe(5)
    expect([3, 4, 5].map((i) => log.term(i))).toEqual([2, 2, 2])
    // Commit is capped by what the message covers.
    expect(log.committed).toBe(3)
    // A duplicate (all entries already present) changes nothing.
    expect(log.maybeAppend(2, 1, 4, ents(3, [2]))).toBe(3)
    expect(log.lastIndex()).toBe(5)
    expect(log.committed).toBe(3)
  })

  it('never truncates committed entries', () => {
    const log = logWith([1, 1, 1])
    log.commitTo(3)
    expect(() => log.maybeAppend(1, 1, 3, ents(2, [2, 2]))).toThrow(RaftInvariantError)
    expect(() => log.commitTo(9)).toThrow(RaftInvariantError)
  })

  it('finds the last entry at or below a term (fast backtracking)', () => {
    const log = logWith([1, 3, 3, 3, 5, 5, 5, 5, 5])
    expect(log.findConflictByTerm(9, 2)).toEqual({ index: 1, term: 1 })
    expect(log.findConflictByTerm(9, 4)).toEqual({ index: 4, term: 3 })
    expect(log.findConflictByTerm(9, 5)).toEqual({ index: 9, term: 5 })
    expect(log.findConflictByTerm(3, 0)).toEqual({ index: 0, term: 0 })
  })

  it('only commits entries of the given term (the leader rule)', () => {
    const log = logWith([1, 1, 2])
    expect(log.maybeCommit(2, 2)).toBe(false)
    expect(log.maybeCommit(3, 2)).toBe(true)
    expect(log.committed).toBe(3)
  })

  it('compares logs for votes by last term, then index (§5.4.1)', () => {
    const log = logWith([1, 2, 2])
    expect(log.isUpToDate(3, 2)).toBe(true)
    expect(log.isUpToDate(2, 2)).toBe(false)
    expect(log.isUpToDate(1, 3)).toBe(true)
    expect(log.isUpToDate(9, 1)).toBe(false)
  })

  it('limits slices by size but returns at least one entry', () => {
    const s = new MemoryStorage()
    s.append([ent(1, 1, 100), ent(2, 1, 100), ent(3, 1, 100)])
    const log = new RaftLog(s)
    log.append([ent(4, 1, 100), ent(5, 1, 100)])
    expect(log.slice(1, 6, 1).map((e) => e.index)).toEqual([1])
    expect(log.slice(1, 6, 250).map((e) => e.index)).toEqual([1, 2])
    // Across the storage/unstable boundary.
    expect(log.slice(3, 6, 300).map((e) => e.index)).toEqual([3, 4])
    expect(log.slice(1, 6).map((e) => e.index)).toEqual([1, 2, 3, 4, 5])
    expect(limitSize([ent(1, 1, 500)], 10).length).toBe(1)
  })

  it('hands out committed entries for applying only after a pending snapshot', () => {
    const log = logWith([1, 1, 1])
    log.commitTo(2)
    expect(log.nextCommittedEntries().map((e) => e.index)).toEqual([1, 2])
    log.acceptApplying(2)
    expect(log.hasNextCommittedEntries()).toBe(false)
    log.restore(snap(10, 3))
    expect(log.committed).toBe(10)
    expect(log.lastIndex()).toBe(10)
    expect(log.firstIndex()).toBe(11)
    expect(log.hasNextCommittedEntries()).toBe(false)
  })
})
