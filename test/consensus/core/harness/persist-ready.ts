// Step 1 of the Ready contract for in-memory test drivers: persist snapshot, entries and hard
// state, in that order (the snapshot resets the log the entries then extend).

import type { Entry, HardState, Snapshot } from '../../../../consensus/core/types.js'
import type { MemoryStorage } from '../../../../consensus/storage/memory-storage.js'

export function persistReady(storage: MemoryStorage, rd: { snapshot?: Snapshot | undefined; entries: Entry[]; hardState?: HardState | undefined }): void {
  if (rd.snapshot !== undefined) storage.installSnapshot(rd.snapshot)
  storage.append(rd.entries)
  if (rd.hardState !== undefined) storage.setHardState(rd.hardState)
}
