// The part of the log not yet known to be durable, after etcd's log_unstable.go: entries (and at
// most one incoming snapshot) that were appended in memory and handed, or are still to be handed,
// to the driver for persistence. Once the driver reports them durable they move to storage.

import { RaftInvariantError } from './errors.js'
import type { Entry, Snapshot } from './types.js'

export class UnstableLog {
  /** An incoming snapshot not yet persisted; it precedes `entries`. */
  snapshot: Snapshot | undefined = undefined
  entries: Entry[] = []
  /** Index of entries[0]. */
  offset: number
  /** Whether the snapshot was handed out in a Ready and awaits persistence. */
  snapshotInProgress = false
  /** Entries below this index were handed out in a Ready and await persistence. */
  offsetInProgress: number

  constructor(offset: number) {
    this.offset = offset
    this.offsetInProgress = offset
  }

  /** First index if it is known from the unstable snapshot. */
  maybeFirstIndex(): number | undefined {
    return this.snapshot === undefined ? undefined : this.snapshot.metadata.index + 1
  }

  maybeLastIndex(): number | undefined {
    if (this.entries.length > 0) return this.offset + this.entries.length - 1
    if (this.snapshot !== undefined) return this.snapshot.metadata.index
    return undefined
  }

  maybeTerm(i: number): number | undefined {
    if (i < this.offset) {
      if (this.snapshot !== undefined && this.snapshot.metadata.index === i) return this.snapshot.metadata.term
      return undefined
    }
    const last = this.maybeLastIndex()
    if (last === undefined || i > last) return undefined
    return this.entries[i - this.offset]!.term
  }

  /** Entries not yet handed out for persistence. */
  nextEntries(): Entry[] {
    const inProgress = this.offsetInProgress - this.offset
    if (this.entries.length === inProgress) return []
    return this.entries.slice(inProgress)
  }

  nextSnapshot(): Snapshot | undefined {
    if (this.snapshot === undefined || this.snapshotInProgress) return undefined
    return this.snapshot
  }

  /** Mark everything current as handed out in a Ready. */
  acceptInProgress(): void {
    if (this.entries.length > 0) this.offsetInProgress = this.entries[this.entries.length - 1]!.index + 1
    if (this.snapshot !== undefined) this.snapshotInProgress = true
  }

  /**
   * Entries up to (index, term) are durable. Ignored when that entry was since overwritten by a
   * new leader (its term no longer matches): then what was persisted is not what we hold.
   */
  stableTo(index: number, term: number): void {
    const t = this.maybeTerm(index)
    if (t === undefined || index < this.offset || t !== term) return
    const n = index + 1 - this.offset
    this.entries = this.entries.slice(n)
    this.offset = index + 1
    this.offsetInProgress = Math.max(this.offsetInProgress, this.offset)
  }

  stableSnapTo(index: number): void {
    if (this.snapshot !== undefined && this.snapshot.metadata.index === index) {
      this.snapshot = undefined
      this.snapshotInProgress = false
    }
  }

  restore(s: Snapshot): void {
    this.offset = s.metadata.index + 1
    this.offsetInProgress = this.offset
    this.entries = []
    this.snapshot = s
    this.snapshotInProgress = false
  }

  /** Append entries, replacing any suffix they conflict with. */
  truncateAndAppend(ents: Entry[]): void {
    const from = ents[0]!.index
    if (from === this.offset + this.entries.length) {
      this.entries = this.entries.concat(ents)
    } else if (from <= this.offset) {
      // Replaces everything unstable; storage's entries from `from` on are overwritten too
      // when these are persisted.
      this.entries = ents.slice()
      this.offset = from
      this.offsetInProgress = this.offset
    } else {
      this.entries = this.entries.slice(0, from - this.offset).concat(ents)
      // Entries at and after `from` must be handed out again.
      this.offsetInProgress = Math.min(this.offsetInProgress, from)
    }
  }

  slice(lo: number, hi: number): Entry[] {
    const upper = this.offset + this.entries.length
    if (lo > hi || lo < this.offset || hi > upper) {
      throw new RaftInvariantError(`unstable.slice[${lo},${hi}) out of bound [${this.offset},${upper}]`)
    }
    return this.entries.slice(lo - this.offset, hi - this.offset)
  }
}
