import type { ConfState, Entry, HardState, Snapshot } from '../core/types.js'

/** The log before `firstIndex()` was compacted into a snapshot. */
export class CompactedError extends Error {
  override name = 'CompactedError'
  constructor(index: number) {
    super(`raft log compacted: index ${index} is before the first available entry`)
  }
}

/** The requested entries are not in storage yet. */
export class UnavailableError extends Error {
  override name = 'UnavailableError'
  constructor(index: number) {
    super(`raft log unavailable: index ${index} is past the last entry`)
  }
}

/** A snapshot older than the one storage already holds. */
export class SnapshotOutOfDateError extends Error {
  override name = 'SnapshotOutOfDateError'
  constructor(index: number, have: number) {
    super(`snapshot at index ${index} is older than the stored snapshot at ${have}`)
  }
}

/**
 * What the Raft core reads. Synchronous on purpose: the core is a pure state machine, so stable
 * storage keeps the (compacted, hence small) log in memory and writes through to disk; it never
 * blocks the core. After etcd's raft.Storage.
 */
export interface RaftStorageReader {
  initialState(): { hardState: HardState; confState: ConfState }
  /** Entries in [lo, hi), at least one even when it exceeds maxBytes. */
  entries(lo: number, hi: number, maxBytes?: number): Entry[]
  /** Term of entry i; valid for firstIndex()-1 .. lastIndex(). */
  term(i: number): number
  firstIndex(): number
  lastIndex(): number
  snapshot(): Snapshot
}

/**
 * What the driver writes, after etcd's MemoryStorage. Each write returns once it is durable
 * (for disk storage: fsynced), because Raft may only acknowledge what is durable.
 */
export interface RaftStorage extends RaftStorageReader {
  /** Persist entries and hard state from one Ready in a single durable write. */
  save(hardState: HardState | undefined, entries: Entry[]): Promise<void>
  /** Persist a snapshot received from the leader and discard the log it covers. */
  applySnapshot(snapshot: Snapshot): Promise<void>
  /** Record a snapshot the local state machine made at `index` and drop the log up to `compactTo`. */
  createSnapshot(index: number, confState: ConfState, data: Uint8Array): Promise<Snapshot>
  compact(compactTo: number): Promise<void>
  close(): Promise<void>
}
