import type { ConfState, Entry, HardState, Snapshot } from '../core/types.js'
import { emptyConfState, emptyHardState } from '../core/types.js'
import type { RaftStorage } from './storage.js'
import { CompactedError, SnapshotOutOfDateError, UnavailableError } from './storage.js'

/** Approximate encoded size, used to cap batches by bytes. */
export function entrySize(e: Entry): number {
  return e.data.byteLength + 24
}

/**
 * In-memory Raft storage after etcd's MemoryStorage. `ents[0]` is a dummy entry standing for the
 * last compacted entry (index and term of the snapshot), so term(firstIndex()-1) always answers.
 * Disk storage wraps this and writes through to a WAL.
 */
export class MemoryStorage implements RaftStorage {
  protected hardState: HardState = emptyHardState()
  protected snap: Snapshot = { metadata: { index: 0, term: 0, confState: emptyConfState() }, data: new Uint8Array(0) }
  protected ents: Entry[] = [{ term: 0, index: 0, type: 'normal', data: new Uint8Array(0) }]

  initialState(): { hardState: HardState; confState: ConfState } {
    return { hardState: { ...this.hardState }, confState: this.snap.metadata.confState }
  }

  firstIndex(): number {
    return this.ents[0]!.index + 1
  }

  lastIndex(): number {
    return this.ents[0]!.index + this.ents.length - 1
  }

  term(i: number): number {
    const offset = this.ents[0]!.index
    if (i < offset) throw new CompactedError(i)
    if (i - offset >= this.ents.length) throw new UnavailableError(i)
    return this.ents[i - offset]!.term
  }

  entries(lo: number, hi: number, maxBytes = Infinity): Entry[] {
    const offset = this.ents[0]!.index
    if (lo <= offset) throw new CompactedError(lo)
    if (hi > this.lastIndex() + 1) throw new UnavailableError(hi - 1)
    const out: Entry[] = []
    let bytes = 0
    for (let i = lo; i < hi; i++) {
      const e = this.ents[i - offset]!
      bytes += entrySize(e)
      if (out.length > 0 && bytes > maxBytes) break
      out.push(e)
    }
    return out
  }

  snapshot(): Snapshot {
    return this.snap
  }

  setHardState(hs: HardState): void {
    this.hardState = { ...hs }
  }

  /** Append entries, truncating any conflicting suffix (a new leader overwrote it). */
  append(entries: Entry[]): void {
    if (entries.length === 0) return
    const first = this.firstIndex()
    const last = entries[0]!.index + entries.length - 1
    if (last < first) return
    // Drop entries already compacted away.
    if (first > entries[0]!.index) entries = entries.slice(first - entries[0]!.index)
    const offset = entries[0]!.index - this.ents[0]!.index
    if (offset > this.ents.length) {
      throw new Error(`missing log entry: last ${this.lastIndex()}, append at ${entries[0]!.index}`)
    }
    this.ents = this.ents.slice(0, offset).concat(entries)
  }

  async save(hardState: HardState | undefined, entries: Entry[]): Promise<void> {
    this.append(entries)
    if (hardState) this.setHardState(hardState)
  }

  async applySnapshot(snapshot: Snapshot): Promise<void> {
    this.installSnapshot(snapshot)
  }

  installSnapshot(snapshot: Snapshot): void {
    const have = this.snap.metadata.index
    if (snapshot.metadata.index <= have) throw new SnapshotOutOfDateError(snapshot.metadata.index, have)
    this.snap = snapshot
    this.ents = [{ term: snapshot.metadata.term, index: snapshot.metadata.index, type: 'normal', data: new Uint8Array(0) }]
    if (this.hardState.commit < snapshot.metadata.index) this.hardState = { ...this.hardState, commit: snapshot.metadata.index }
  }

  async createSnapshot(index: number, confState: ConfState, data: Uint8Array): Promise<Snapshot> {
    return this.makeSnapshot(index, confState, data)
  }

  makeSnapshot(index: number, confState: ConfState, data: Uint8Array): Snapshot {
    if (index <= this.snap.metadata.index) throw new SnapshotOutOfDateError(index, this.snap.metadata.index)
    if (index > this.lastIndex()) throw new UnavailableError(index)
    this.snap = { metadata: { index, term: this.term(index), confState }, data }
    return this.snap
  }

  async compact(compactTo: number): Promise<void> {
    this.compactTo(compactTo)
  }

  compactTo(compactTo: number): void {
    const offset = this.ents[0]!.index
    if (compactTo <= offset) return
    if (compactTo > this.lastIndex()) throw new UnavailableError(compactTo)
    const i = compactTo - offset
    const head = this.ents[i]!
    this.ents = [{ term: head.term, index: head.index, type: 'normal', data: new Uint8Array(0) }, ...this.ents.slice(i + 1)]
  }

  async close(): Promise<void> {}
}
