import { mkdir } from 'node:fs/promises'
import { dirname, join, resolve } from 'node:path'
import { CorruptRecordError, RecordFile, RecordFileFailedError, RecordTooLargeError, syncDir } from '../../lib/record-file.js'
import type { ConfState, Entry, HardState, Snapshot } from '../core/types.js'
import { emptyConfState } from '../core/types.js'
import { CodecError } from '../wire/codec-error.js'
import { CompactBeyondSnapshotError, SnapshotMissingError, WalCorruptError } from './disk-errors.js'
import { MemoryStorage } from './memory-storage.js'
import { SnapshotStore } from './snapshot-store.js'
import { SnapshotOutOfDateError } from './storage.js'
import { decodeWalRecord, encodeWalRecord } from './wal-records.js'
import type { LogPosition, WalRecord } from './wal-records.js'
import { replayWal } from './wal-replay.js'
import type { ReplayedWal } from './wal-replay.js'

export const WAL_FILE = 'wal.log'
// Bytes a WAL record adds to an entry's data: kind, version, type, index, term, length.
const RECORD_OVERHEAD = 64

export interface DiskStorageInit {
  /** fsync every durable write (default true). Tests may turn it off for speed. */
  sync?: boolean
  /** Largest entry data accepted (default 64 MiB). */
  maxEntryBytes?: number
  /** Largest snapshot file (default 1 GiB). */
  maxSnapshotBytes?: number
  /** Snapshot files kept (default 2): the newest and one to fall back on if it is damaged. */
  keepSnapshots?: number
}

/** What open() found, for the driver to log. */
export interface DiskRecovery {
  walRecords: number
  /** Bytes of a torn tail dropped (writes that were never acknowledged). */
  truncatedBytes: number
  snapshotIndex: number
  /** Snapshot files that could not be used, with the reason. */
  skippedSnapshots: string[]
}

function emptySnapshot(): Snapshot {
  return { metadata: { index: 0, term: 0, confState: emptyConfState() }, data: new Uint8Array(0) }
}

/** Create `dir` and its missing parents so that they survive a power loss, as the files in it will. */
async function makeDurableDir(path: string, sync: boolean): Promise<void> {
  const dir = resolve(path)
  const created = await mkdir(dir, { recursive: true })
  if (created === undefined || !sync) return
  const top = resolve(created)
  for (let d = dir; d.length >= top.length; d = dirname(d)) await syncDir(dirname(d))
}

function dummy(at: LogPosition): Entry {
  return { term: at.term, index: at.index, type: 'normal', data: new Uint8Array(0) }
}

/**
 * Raft storage on disk: the log lives in memory (MemoryStorage) and every change is written
 * through to a write-ahead log of checksummed records; snapshots are separate files. Each write
 * resolves only once durable. Writes run one at a time, in call order, so the WAL order always
 * matches the order the in-memory log changed in. Use it through the RaftStorage interface: the
 * MemoryStorage helpers it inherits (append, installSnapshot, ...) bypass the WAL.
 */
export class DiskStorage extends MemoryStorage {
  private queue: Promise<unknown> = Promise.resolve()

  private constructor(
    private readonly wal: RecordFile,
    private readonly store: SnapshotStore,
    /** Durable, usable snapshot files, oldest first. */
    private snapshotFiles: LogPosition[],
    private readonly keep: number,
    private readonly maxRecordBytes: number,
    readonly recovery: DiskRecovery,
  ) {
    super()
  }

  /** Open (creating if needed) the storage in `dir` and recover its state. */
  static async open(dir: string, init: DiskStorageInit = {}): Promise<DiskStorage> {
    const sync = init.sync ?? true
    await makeDurableDir(dir, sync)
    const maxRecordBytes = (init.maxEntryBytes ?? 64 * 1024 * 1024) + RECORD_OVERHEAD
    const store = new SnapshotStore(dir, { sync, maxSnapshotBytes: init.maxSnapshotBytes })
    await store.removeTemporaries()
    const walPath = join(dir, WAL_FILE)
    const opened = await RecordFile.open(walPath, { maxRecordBytes, sync }).catch((err: unknown) => {
      if (err instanceof CorruptRecordError) throw new WalCorruptError(err.path, err.offset, err.reason, { cause: err })
      throw err
    })
    try {
      const records = opened.records.map((bytes, i): WalRecord => {
        try {
          return decodeWalRecord(bytes, maxRecordBytes)
        } catch (err) {
          if (err instanceof CodecError) throw new WalCorruptError(walPath, opened.offsets[i]!, `undecodable record: ${err.message}`, { cause: err })
          throw err
        }
      })
      const replayed = replayWal(walPath, records, opened.offsets)
      const { snapshot = emptySnapshot(), usable, skipped } = await store.loadNewest(replayed.snapshots)
      if (replayed.base.index > snapshot.metadata.index) throw new SnapshotMissingError(dir, replayed.base.index, snapshot.metadata.index)
      await store.removeAllBut(replayed.snapshots)
      const recovery = { walRecords: records.length, truncatedBytes: opened.truncatedBytes, snapshotIndex: snapshot.metadata.index, skippedSnapshots: skipped }
      const storage = new DiskStorage(opened.file, store, usable, init.keepSnapshots ?? 2, maxRecordBytes, recovery)
      storage.restore(replayed, snapshot)
      return storage
    } catch (err) {
      await opened.file.close()
      throw err
    }
  }

  override save(hardState: HardState | undefined, entries: Entry[]): Promise<void> {
    return this.serial(async () => {
      const records = entries.map((entry) => this.encode({ kind: 'entry', entry }))
      // Term and vote must be durable before Raft answers a vote; a commit index alone may be lost
      // in a crash (the leader tells it again), so it rides along with the next fsync.
      const mustSync = entries.length > 0 || (hardState !== undefined && (hardState.term !== this.hardState.term || hardState.vote !== this.hardState.vote))
      await super.save(hardState, entries)
      for (const r of records) this.wal.append(r)
      if (hardState) this.wal.append(this.encode({ kind: 'hard-state', hardState }))
      if (mustSync) await this.wal.flush()
    })
  }

  override applySnapshot(snapshot: Snapshot): Promise<void> {
    return this.serial(async () => {
      const have = this.snap.metadata.index
      if (snapshot.metadata.index <= have) throw new SnapshotOutOfDateError(snapshot.metadata.index, have)
      await this.store.write(snapshot)
      this.installSnapshot(snapshot)
      this.addSnapshotFile(snapshot.metadata)
      // Durable as soon as these are: on replay the base record discards the old log.
      this.wal.append(this.encode({ kind: 'snapshot', at: snapshot.metadata }))
      this.wal.append(this.encode({ kind: 'base', at: snapshot.metadata }))
      this.wal.append(this.encode({ kind: 'hard-state', hardState: this.hardState }))
      await this.wal.flush()
      // Reclaim the old log's space. A failed rewrite leaves the WAL as it was, which is still
      // correct, so only a failure that broke the file is worth reporting.
      await this.rewriteWal().catch((err: unknown) => {
        if (err instanceof RecordFileFailedError) throw err
      })
      await this.prune()
    })
  }

  override createSnapshot(index: number, confState: ConfState, data: Uint8Array): Promise<Snapshot> {
    return this.serial(async () => {
      const snap = this.makeSnapshot(index, confState, data)
      await this.store.write(snap)
      this.addSnapshotFile(snap.metadata)
      this.wal.append(this.encode({ kind: 'snapshot', at: snap.metadata }))
      await this.wal.flush()
      await this.prune()
      return snap
    })
  }

  override compact(compactTo: number): Promise<void> {
    return this.serial(async () => {
      if (compactTo <= this.ents[0]!.index) return
      const durable = this.snapshotFiles.at(-1)?.index ?? 0
      if (compactTo > durable) throw new CompactBeyondSnapshotError(compactTo, durable)
      this.compactTo(compactTo)
      await this.rewriteWal()
    })
  }

  override close(): Promise<void> {
    return this.serial(() => this.wal.close())
  }

  /** Bytes in the WAL file, for tests and metrics. */
  walBytes(): number {
    return this.wal.size
  }

  private restore(replayed: ReplayedWal, snapshot: Snapshot): void {
    let base = replayed.base
    let entries = replayed.entries
    // A snapshot past the end of the log supersedes all of it, as when installed from a leader.
    if (snapshot.metadata.index > base.index + entries.length) {
      base = snapshot.metadata
      entries = []
    }
    this.snap = snapshot
    entries.unshift(dummy(base))
    this.ents = entries
    this.hardState = { ...replayed.hardState, commit: Math.max(replayed.hardState.commit, snapshot.metadata.index) }
  }

  private serial<T>(op: () => Promise<T>): Promise<T> {
    const run = this.queue.then(op)
    this.queue = run.catch(() => undefined)
    return run
  }

  private encode(r: WalRecord): Uint8Array {
    const bytes = encodeWalRecord(r)
    if (bytes.byteLength > this.maxRecordBytes) throw new RecordTooLargeError(bytes.byteLength, this.maxRecordBytes)
    return bytes
  }

  /** Replace the WAL with the current state: snapshot references, base, hard state, entries. */
  private async rewriteWal(): Promise<void> {
    const records: WalRecord[] = this.snapshotFiles.map((at) => ({ kind: 'snapshot', at }))
    records.push({ kind: 'base', at: this.ents[0]! })
    records.push({ kind: 'hard-state', hardState: this.hardState })
    for (let i = 1; i < this.ents.length; i++) records.push({ kind: 'entry', entry: this.ents[i]! })
    await this.wal.replace(records.map((r) => this.encode(r)))
  }

  private addSnapshotFile(at: LogPosition): void {
    const pos = { index: at.index, term: at.term }
    this.snapshotFiles = [...this.snapshotFiles.filter((s) => s.index !== pos.index), pos].sort((a, b) => a.index - b.index)
  }

  private async prune(): Promise<void> {
    const drop = this.snapshotFiles.slice(0, Math.max(0, this.snapshotFiles.length - this.keep))
    this.snapshotFiles = this.snapshotFiles.slice(drop.length)
    for (const at of drop) await this.store.remove(at)
  }
}
