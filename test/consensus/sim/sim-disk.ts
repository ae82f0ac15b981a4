// A node's disk in the simulator. Writes reach the disk in order; a write is durable once it has
// been fsynced (directly, or by a later fsync, which flushes everything before it). On a crash
// the unsynced tail is partly lost: a random prefix of it survives, as with a real page cache.

import type { Prng } from '../../../lib/prng.js'
import type { ConfState, Entry, HardState, Snapshot } from '../../../consensus/core/types.js'
import { MemoryStorage } from '../../../consensus/storage/memory-storage.js'
import { persistReady } from '../core/harness/persist-ready.js'

export type DiskWrite =
  | { kind: 'ready'; snapshot: Snapshot | undefined; entries: Entry[]; hardState: HardState | undefined }
  | { kind: 'compact'; index: number; confState: ConfState; data: Uint8Array; compactTo: number }

/** Called for every write once it is durable, with the disk image that now holds it. */
export type DurableHook = (write: DiskWrite, disk: MemoryStorage) => void

export class SimDisk {
  /** The durable image; MemoryStorage gives it the same semantics as the node's storage. */
  private image = new MemoryStorage()
  private unsynced: DiskWrite[] = []

  constructor(private readonly onDurable: DurableHook) {}

  write(w: DiskWrite, sync: boolean): void {
    this.unsynced.push(w)
    if (sync) this.sync()
  }

  sync(): void {
    const pending = this.unsynced
    this.unsynced = []
    for (const w of pending) this.applyDurable(w)
  }

  /** Power loss: some prefix of the unsynced writes made it to the platter. */
  crash(prng: Prng): void {
    const keep = prng.int(0, this.unsynced.length + 1)
    const pending = this.unsynced.slice(0, keep)
    this.unsynced = []
    for (const w of pending) this.applyDurable(w)
  }

  private applyDurable(w: DiskWrite): void {
    applyWrite(this.image, w)
    this.onDurable(w, this.image)
  }

  /** What a restarting node reads back: a fresh storage holding the durable image. */
  load(): MemoryStorage {
    const s = new MemoryStorage()
    const snap = this.image.snapshot()
    if (snap.metadata.index > 0) s.installSnapshot(snap)
    const first = this.image.firstIndex()
    const last = this.image.lastIndex()
    if (last >= first) s.append(this.image.entries(first, last + 1))
    s.setHardState(this.image.initialState().hardState)
    return s
  }

  /** Read access to the durable image, for invariant checks. */
  durable(): MemoryStorage {
    return this.image
  }
}

/** Apply a write to a storage (the node's in-memory storage gets the same writes at once). */
export function applyWrite(s: MemoryStorage, w: DiskWrite): void {
  if (w.kind === 'ready') {
    persistReady(s, w)
  } else {
    if (w.index > s.snapshot().metadata.index && w.index <= s.lastIndex() && w.index >= s.firstIndex() - 1) {
      s.makeSnapshot(w.index, w.confState, w.data)
    }
    if (w.compactTo > s.firstIndex() - 1 && w.compactTo <= s.lastIndex()) s.compactTo(w.compactTo)
  }
}
