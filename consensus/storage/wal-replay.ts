import type { Entry, HardState } from '../core/types.js'
import { emptyHardState } from '../core/types.js'
import { WalCorruptError } from './disk-errors.js'
import type { LogPosition, WalRecord } from './wal-records.js'

export interface ReplayedWal {
  /** The log holds the entries after this position (the compaction point). */
  base: LogPosition
  /** Consecutive entries from base.index + 1. */
  entries: Entry[]
  hardState: HardState
  /** Snapshot files the WAL records as durable, oldest first. */
  snapshots: LogPosition[]
}

/**
 * Rebuild the log from WAL records in order. Truncation is done in place on one array: replaying
 * through MemoryStorage.append would copy the log once per record.
 */
export function replayWal(path: string, records: readonly WalRecord[], offsets: readonly number[]): ReplayedWal {
  let base: LogPosition = { index: 0, term: 0 }
  let entries: Entry[] = []
  let hardState = emptyHardState()
  const snapshots = new Map<number, LogPosition>()
  records.forEach((r, i) => {
    switch (r.kind) {
      case 'entry': {
        const at = r.entry.index - base.index - 1
        if (at < 0) return
        if (at > entries.length) {
          throw new WalCorruptError(path, offsets[i] ?? 0, `entry ${r.entry.index} leaves a gap after index ${base.index + entries.length}`)
        }
        // An entry at an index the log already holds means a new leader overwrote the suffix.
        entries.length = at
        entries.push(r.entry)
        return
      }
      case 'hard-state':
        hardState = r.hardState
        return
      case 'snapshot':
        snapshots.set(r.at.index, r.at)
        return
      case 'base':
        base = r.at
        entries = []
        return
    }
  })
  return { base, entries, hardState, snapshots: [...snapshots.values()].sort((a, b) => a.index - b.index) }
}
