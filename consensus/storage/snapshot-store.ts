import { readdir, unlink } from 'node:fs/promises'
import { join } from 'node:path'
import { readRecordFile, writeRecordFile } from '../../lib/record-file.js'
import type { Snapshot } from '../core/types.js'
import { decodeSnapshot, encodeSnapshot } from '../wire/codec.js'
import type { LogPosition } from './wal-records.js'

const NAME = /^snap-([0-9a-f]{16})-([0-9a-f]{16})\.snap$/

const key = (at: LogPosition): string => `${at.index}/${at.term}`

function fileName(at: LogPosition): string {
  return `snap-${at.index.toString(16).padStart(16, '0')}-${at.term.toString(16).padStart(16, '0')}.snap`
}

export interface SnapshotStoreInit {
  sync?: boolean
  maxSnapshotBytes?: number
}

/**
 * Snapshot files in the storage directory, one per snapshot, named by index and term. Each is a
 * record file holding one checksummed record, written atomically (temp, fsync, rename, fsync dir).
 */
export class SnapshotStore {
  private readonly sync: boolean
  private readonly maxBytes: number

  constructor(
    readonly dir: string,
    init: SnapshotStoreInit = {},
  ) {
    this.sync = init.sync ?? true
    this.maxBytes = init.maxSnapshotBytes ?? 1024 * 1024 * 1024
  }

  /** Snapshot files present, oldest first. */
  async list(): Promise<LogPosition[]> {
    const found: LogPosition[] = []
    for (const name of await readdir(this.dir)) {
      const m = NAME.exec(name)
      if (m) found.push({ index: parseInt(m[1]!, 16), term: parseInt(m[2]!, 16) })
    }
    return found.sort((a, b) => a.index - b.index)
  }

  async write(snap: Snapshot): Promise<void> {
    await writeRecordFile(this.path(snap.metadata), [encodeSnapshot(snap)], { sync: this.sync, maxRecordBytes: this.maxBytes })
  }

  /** The snapshot at `at`, or the reason it cannot be used. */
  async read(at: LogPosition): Promise<Snapshot | string> {
    const path = this.path(at)
    try {
      const { records, truncatedBytes } = await readRecordFile(path, { maxRecordBytes: this.maxBytes })
      if (records.length !== 1 || truncatedBytes > 0) return `${path} is damaged`
      const snap = decodeSnapshot(records[0]!, { maxBytes: this.maxBytes })
      if (snap.metadata.index !== at.index || snap.metadata.term !== at.term) return `${path} holds a different snapshot`
      return snap
    } catch (err) {
      return `${path} is unreadable: ${String(err)}`
    }
  }

  /**
   * The newest loadable snapshot among `refs` (the files the WAL says are durable), the refs whose
   * files exist and are not known to be damaged (older ones are not read, only checked for), and
   * why the others were skipped.
   */
  async loadNewest(refs: readonly LogPosition[]): Promise<{ snapshot?: Snapshot; usable: LogPosition[]; skipped: string[] }> {
    const present = new Set((await this.list()).map(key))
    const usable: LogPosition[] = []
    const skipped: string[] = []
    let snapshot: Snapshot | undefined
    for (const at of [...refs].sort((a, b) => b.index - a.index)) {
      if (!present.has(key(at))) continue
      if (snapshot === undefined) {
        const read = await this.read(at)
        if (typeof read === 'string') {
          skipped.push(read)
          continue
        }
        snapshot = read
      }
      usable.unshift(at)
    }
    return { snapshot, usable, skipped }
  }

  /** Delete snapshot files not in `keep` (never referenced by the WAL, or pruned). */
  async removeAllBut(keep: readonly LogPosition[]): Promise<void> {
    const kept = new Set(keep.map(key))
    for (const at of await this.list()) if (!kept.has(key(at))) await this.remove(at)
  }

  async remove(at: LogPosition): Promise<void> {
    await unlink(this.path(at)).catch(() => undefined)
  }

  /** Drop temp files of snapshot writes a crash interrupted. */
  async removeTemporaries(): Promise<void> {
    for (const name of await readdir(this.dir)) {
      if (name.startsWith('snap-') && name.endsWith('.tmp')) await unlink(join(this.dir, name)).catch(() => undefined)
    }
  }

  private path(at: LogPosition): string {
    return join(this.dir, fileName(at))
  }
}
