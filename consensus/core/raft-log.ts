// The Raft log as the core sees it: durable entries in storage followed by the unstable tail,
// plus the commit and apply cursors. After etcd's log.go.

// The same size estimate as storage, so batches cut the same way wherever entries are read from.
import { entrySize } from '../storage/memory-storage.js'
import type { RaftStorageReader } from '../storage/storage.js'
import { RaftInvariantError } from './errors.js'
import { UnstableLog } from './log-unstable.js'
import type { Entry, Snapshot } from './types.js'

export function payloadSize(ents: readonly Entry[]): number {
  let n = 0
  for (const e of ents) n += e.data.byteLength
  return n
}

/** Keep a prefix of `ents` within maxBytes, but always at least one entry. */
export function limitSize(ents: Entry[], maxBytes: number): Entry[] {
  if (ents.length === 0) return ents
  let size = entrySize(ents[0]!)
  let n = 1
  for (; n < ents.length; n++) {
    size += entrySize(ents[n]!)
    if (size > maxBytes) break
  }
  return n === ents.length ? ents : ents.slice(0, n)
}

/** Read-only view of a node's log, for status pages, tests and invariant checkers. */
export interface RaftLogView {
  readonly committed: number
  readonly applied: number
  firstIndex(): number
  lastIndex(): number
  /** Term of entry i, or undefined when i is compacted or beyond the log. */
  term(i: number): number | undefined
  /** Entries in [lo, hi); lo must be >= firstIndex(). */
  slice(lo: number, hi: number): Entry[]
}

export class RaftLog implements RaftLogView {
  readonly unstable: UnstableLog
  /** Highest index known committed on a quorum. */
  committed: number
  /** Highest index handed to the driver for applying (in a Ready). */
  applying: number
  /** Highest index the driver reported applied. */
  applied: number

  constructor(
    readonly storage: RaftStorageReader,
    /** Cap on committed entries handed out per Ready. */
    private readonly maxApplyingBytes: number = Infinity,
  ) {
    const first = storage.firstIndex()
    const last = storage.lastIndex()
    this.unstable = new UnstableLog(last + 1)
    // Everything up to the storage snapshot is committed and applied by definition.
    this.committed = first - 1
    this.applying = first - 1
    this.applied = first - 1
  }

  firstIndex(): number {
    return this.unstable.maybeFirstIndex() ?? this.storage.firstIndex()
  }

  lastIndex(): number {
    return this.unstable.maybeLastIndex() ?? this.storage.lastIndex()
  }

  lastTerm(): number {
    const t = this.term(this.lastIndex())
    if (t === undefined) throw new RaftInvariantError(`no term for last index ${this.lastIndex()}`)
    return t
  }

  term(i: number): number | undefined {
    const t = this.unstable.maybeTerm(i)
    if (t !== undefined) return t
    // Valid range: the dummy entry before firstIndex (the snapshot's term) up to lastIndex.
    if (i < this.firstIndex() - 1 || i > this.lastIndex()) return undefined
    // Entries in storage at or after the unstable offset were overwritten by unstable ones.
    if (i >= this.unstable.offset) return undefined
    return this.storage.term(i)
  }

  matchTerm(index: number, term: number): boolean {
    return this.term(index) === term
  }

  /** Raft §5.4.1: a candidate is at least as up to date when its last term is higher, or equal with an index at least as high. */
  isUpToDate(lastIndex: number, lastTerm: number): boolean {
    const ourTerm = this.lastTerm()
    return lastTerm > ourTerm || (lastTerm === ourTerm && lastIndex >= this.lastIndex())
  }

  /**
   * Follower side of AppendEntries: if our log has (prevIndex, prevTerm), append `ents` (dropping
   * those we already have, truncating a conflicting suffix) and commit up to min(commit, last new
   * index). Returns the last index covered by the message, or undefined on mismatch.
   */
  maybeAppend(prevIndex: number, prevTerm: number, commit: number, ents: Entry[]): number | undefined {
    if (!this.matchTerm(prevIndex, prevTerm)) return undefined
    const lastNew = prevIndex + ents.length
    const ci = this.findConflict(ents)
    if (ci !== 0) {
      if (ci <= this.committed) throw new RaftInvariantError(`entry ${ci} conflicts with committed entry (committed ${this.committed})`)
      this.append(ents.slice(ci - (prevIndex + 1)))
    }
    // Only up to lastNew: entries after it may still be a stale leader's.
    this.commitTo(Math.min(commit, lastNew))
    return lastNew
  }

  /** Append entries (their indexes are set), truncating whatever follows their first index. */
  append(ents: Entry[]): number {
    if (ents.length === 0) return this.lastIndex()
    const after = ents[0]!.index - 1
    if (after < this.committed) throw new RaftInvariantError(`append after ${after} would truncate committed ${this.committed}`)
    this.unstable.truncateAndAppend(ents)
    return this.lastIndex()
  }

  /** Index of the first entry of `ents` that is missing or has another term in our log; 0 if none. */
  findConflict(ents: Entry[]): number {
    for (const e of ents) if (!this.matchTerm(e.index, e.term)) return e.index
    return 0
  }

  /**
   * The largest (index, term) at or below `index` whose term is <= `term`. Used for fast
   * backtracking: every entry above it has a term > `term`, so it cannot match the other log
   * where that log's terms are <= `term` (terms only grow along a log).
   */
  findConflictByTerm(index: number, term: number): { index: number; term: number } {
    for (; index > 0; index--) {
      const t = this.term(index)
      if (t === undefined) return { index, term: 0 }
      if (t <= term) return { index, term: t }
    }
    return { index: 0, term: 0 }
  }

  nextUnstableEntries(): Entry[] {
    return this.unstable.nextEntries()
  }

  hasNextUnstableEntries(): boolean {
    return this.unstable.offsetInProgress < this.unstable.offset + this.unstable.entries.length
  }

  hasNextOrInProgressUnstableEntries(): boolean {
    return this.unstable.entries.length > 0
  }

  nextUnstableSnapshot(): Snapshot | undefined {
    return this.unstable.nextSnapshot()
  }

  hasNextOrInProgressSnapshot(): boolean {
    return this.unstable.snapshot !== undefined
  }

  /**
   * Committed entries not yet handed out for applying. They may still be unstable: the driver
   * persists a Ready's entries before applying its committed entries.
   */
  nextCommittedEntries(): Entry[] {
    if (!this.hasNextCommittedEntries()) return []
    return this.slice(this.applying + 1, this.committed + 1, this.maxApplyingBytes)
  }

  hasNextCommittedEntries(): boolean {
    // A pending snapshot must be applied first: the entries build on its state.
    if (this.hasNextOrInProgressSnapshot()) return false
    return this.applying < this.committed
  }

  snapshot(): Snapshot {
    return this.unstable.snapshot ?? this.storage.snapshot()
  }

  commitTo(index: number): void {
    if (index <= this.committed) return
    if (index > this.lastIndex()) {
      throw new RaftInvariantError(`commit ${index} is beyond the last index ${this.lastIndex()}; was the log lost?`)
    }
    this.committed = index
  }

  acceptApplying(index: number): void {
    if (index > this.committed) throw new RaftInvariantError(`applying ${index} beyond commit ${this.committed}`)
    this.applying = index
  }

  appliedTo(index: number): void {
    if (index > this.committed || index < this.applied) {
      throw new RaftInvariantError(`applied ${index} out of range [${this.applied}, ${this.committed}]`)
    }
    this.applied = index
    this.applying = Math.max(this.applying, index)
  }

  stableTo(index: number, term: number): void {
    this.unstable.stableTo(index, term)
  }

  stableSnapTo(index: number): void {
    this.unstable.stableSnapTo(index)
  }

  acceptUnstable(): void {
    this.unstable.acceptInProgress()
  }

  /** Advance the commit index to `index` if the entry there is from `term` (the leader's commit rule). */
  maybeCommit(index: number, term: number): boolean {
    if (term !== 0 && index > this.committed && this.matchTerm(index, term)) {
      this.commitTo(index)
      return true
    }
    return false
  }

  /** Replace the whole log with a snapshot. */
  restore(s: Snapshot): void {
    this.committed = s.metadata.index
    this.unstable.restore(s)
  }

  /** Entries from i to the end, capped by maxBytes (at least one). */
  entriesFrom(i: number, maxBytes: number): Entry[] {
    if (i > this.lastIndex()) return []
    return this.slice(i, this.lastIndex() + 1, maxBytes)
  }

  /** Entries in [lo, hi), capped by maxBytes but never empty when lo < hi. */
  slice(lo: number, hi: number, maxBytes = Infinity): Entry[] {
    const first = this.firstIndex()
    if (lo > hi || lo < first || hi > this.lastIndex() + 1) {
      throw new RaftInvariantError(`slice [${lo},${hi}) out of bound [${first},${this.lastIndex()}]`)
    }
    if (lo === hi) return []
    const uoff = this.unstable.offset
    if (lo >= uoff) return limitSize(this.unstable.slice(lo, hi), maxBytes)
    const cut = Math.min(hi, uoff)
    const stored = this.storage.entries(lo, cut, maxBytes)
    if (hi <= uoff || stored.length < cut - lo) return stored
    let size = 0
    for (const e of stored) size += entrySize(e)
    if (size >= maxBytes) return stored
    const rest = limitSize(this.unstable.slice(uoff, hi), maxBytes - size)
    // limitSize keeps one entry even when it does not fit; here something already fits.
    if (rest.length === 1 && size + entrySize(rest[0]!) > maxBytes) return stored
    return stored.concat(rest)
  }

  describe(): string {
    return `committed=${this.committed}, applied=${this.applied}, applying=${this.applying}, unstable.offset=${this.unstable.offset}, len(unstable)=${this.unstable.entries.length}`
  }
}
