import { open, stat, unlink } from 'node:fs/promises'
import type { FileHandle } from 'node:fs/promises'
import { dirname } from 'node:path'
import { DEFAULT_MAX_RECORD_BYTES, decodeRecords, frameBatch, framedSize } from './record-file-format.js'
import type { DecodedRecords } from './record-file-format.js'
import { assertSizes, renameTemp, syncDir, writeAll, writeTemp } from './record-file-io.js'

// The on-disk format (framing, checksums, torn tail versus corruption) is in record-file-format.ts,
// the file operations in record-file-io.ts; this module re-exports what callers need.
export { CorruptRecordError, RecordTooLargeError, decodeRecords } from './record-file-format.js'
export type { DecodedRecords } from './record-file-format.js'
export { readRecordFile, syncDir, writeRecordFile } from './record-file-io.js'

export class RecordFileClosedError extends Error {
  override name = 'RecordFileClosedError'
  constructor(readonly path: string) {
    super(`${path} is closed`)
  }
}

/**
 * A write or fsync failed. After a failed fsync the kernel may have dropped the dirty pages, so
 * what is on disk is unknown: the file refuses all further writes and the owner must reopen it.
 */
export class RecordFileFailedError extends Error {
  override name = 'RecordFileFailedError'
  constructor(
    readonly path: string,
    cause: unknown,
  ) {
    super(`${path}: an earlier write failed, refusing further writes: ${String(cause)}`, { cause })
  }
}

export interface RecordFileInit {
  /** Records larger than this are refused on append and treated as damage on load. */
  maxRecordBytes?: number
  /** fsync on flush and replace (default true). Tests may turn it off for speed. */
  sync?: boolean
}

export interface OpenedRecordFile extends DecodedRecords {
  file: RecordFile
  /** Bytes dropped from a torn tail during recovery. */
  truncatedBytes: number
}

interface Waiter {
  seq: number
  resolve: () => void
  reject: (err: Error) => void
}

/** A requested replace() not yet written. */
interface Replacement {
  records: Uint8Array[]
  /** Appends it supersedes; written to the old file instead if the file cannot be replaced. */
  superseded: Uint8Array[]
  /** The replace() calls waiting on it (a later replace joins an earlier one not yet started). */
  callers: Array<Pick<Waiter, 'resolve' | 'reject'>>
}

const bytesOf = (records: readonly Uint8Array[]): number => records.reduce((n, r) => n + framedSize(r), 0)

/**
 * An append-only file of checksummed records with group commit: appends are buffered, and one
 * write + fdatasync makes everything buffered so far durable, so concurrent flushes share an fsync.
 * Used by the Raft WAL and by CRDT persistence.
 */
export class RecordFile {
  /** Appended since the last write was taken. */
  private pending: Uint8Array[] = []
  private replacement: Replacement | undefined
  /** Counts appends and replaces; a flush waits until `durable` reaches the count at its call. */
  private seq = 0
  private durable = 0
  private waiters: Waiter[] = []
  private writing = false
  private failure: RecordFileFailedError | undefined
  private closed = false
  private logicalBytes: number

  private constructor(
    readonly path: string,
    private handle: FileHandle,
    private fileBytes: number,
    private readonly max: number,
    private readonly sync: boolean,
  ) {
    this.logicalBytes = fileBytes
  }

  static async open(path: string, init: RecordFileInit = {}): Promise<OpenedRecordFile> {
    const max = init.maxRecordBytes ?? DEFAULT_MAX_RECORD_BYTES
    // A temp file left by a crash during replace() was never renamed into place: garbage.
    await unlink(`${path}.tmp`).catch(() => undefined)
    const existed = await stat(path).then(
      () => true,
      () => false,
    )
    const handle = await open(path, existed ? 'r+' : 'w+', 0o600)
    try {
      const buf = existed ? await handle.readFile() : Buffer.alloc(0)
      const decoded = decodeRecords(path, buf, max)
      if (decoded.validBytes < buf.length) {
        await handle.truncate(decoded.validBytes)
        await handle.sync()
      }
      if (!existed) await syncDir(dirname(path))
      const file = new RecordFile(path, handle, decoded.validBytes, max, init.sync ?? true)
      return { ...decoded, file, truncatedBytes: buf.length - decoded.validBytes }
    } catch (err) {
      await handle.close()
      throw err
    }
  }

  /** Bytes in the file once everything appended so far is written. */
  get size(): number {
    return this.logicalBytes
  }

  /** Buffer a record; it is durable once a later flush() resolves. */
  append(record: Uint8Array): void {
    this.assertWritable()
    assertSizes([record], this.max)
    this.pending.push(record)
    this.logicalBytes += framedSize(record)
    this.seq++
  }

  /** Write and fsync everything appended so far; resolves once it is durable. */
  flush(): Promise<void> {
    if (this.failure) return Promise.reject(this.failure)
    const seq = this.seq
    if (this.durable >= seq) return Promise.resolve()
    return new Promise((resolve, reject) => {
      this.waiters.push({ seq, resolve, reject })
      this.kick()
    })
  }

  /**
   * Atomically replace the whole file with `records` (compaction): temp file, fsync, rename, fsync
   * dir. The replacement supersedes records appended before this call and not yet written;
   * records appended after it follow the replacement. Resolves once durable. If the file cannot be
   * replaced (say the disk is full), it rejects and the old file stays in use, with the superseded
   * records appended to it, so nothing appended is lost.
   */
  async replace(records: readonly Uint8Array[]): Promise<void> {
    this.assertWritable()
    assertSizes(records, this.max)
    const earlier = this.replacement
    const done = new Promise<void>((resolve, reject) => {
      this.replacement = {
        records: [...records],
        superseded: earlier ? [...earlier.superseded, ...this.pending] : this.pending,
        callers: [...(earlier?.callers ?? []), { resolve, reject }],
      }
    })
    this.pending = []
    this.logicalBytes = bytesOf(records)
    this.seq++
    this.kick()
    await done
  }

  async close(): Promise<void> {
    if (this.closed) return
    try {
      await this.flush()
    } finally {
      this.closed = true
      await this.handle.close()
    }
  }

  private assertWritable(): void {
    if (this.closed) throw new RecordFileClosedError(this.path)
    if (this.failure) throw this.failure
  }

  private kick(): void {
    if (this.writing) return
    this.writing = true
    void this.drain()
  }

  private async drain(): Promise<void> {
    try {
      // Let appends made in the same tick as the first flush join its batch.
      await Promise.resolve()
      while (this.durable < this.seq && !this.failure) {
        const seq = this.seq
        const replacement = this.replacement
        const records = this.pending
        this.replacement = undefined
        this.pending = []
        try {
          if (replacement) await this.writeReplacement(replacement, records)
          else await this.writeBatch(records)
        } catch (err) {
          this.failure = new RecordFileFailedError(this.path, err)
          for (const w of [...this.waiters.splice(0), ...(replacement?.callers ?? [])]) w.reject(this.failure)
          return
        }
        this.durable = seq
        const done = this.waiters.filter((w) => w.seq <= seq)
        this.waiters = this.waiters.filter((w) => w.seq > seq)
        for (const w of done) w.resolve()
      }
    } finally {
      // Cleared in the same synchronous step as the loop's last check, before any resolved waiter
      // runs, so a flush() from a waiter's continuation starts a new drain instead of stalling.
      this.writing = false
    }
  }

  private async writeBatch(records: Uint8Array[]): Promise<void> {
    if (records.length === 0) return
    const batch = frameBatch(records)
    await writeAll(this.handle, batch, this.fileBytes)
    this.fileBytes += batch.length
    if (this.sync) await this.handle.datasync()
  }

  /** Throws only when the file's state is unknown; a replacement that never happened is not that. */
  private async writeReplacement(r: Replacement, after: Uint8Array[]): Promise<void> {
    const body = frameBatch([...r.records, ...after])
    let next: FileHandle
    try {
      next = await writeTemp(this.path, body, this.sync)
      await renameTemp(this.path).catch(async (err: unknown) => {
        await next.close()
        throw err
      })
    } catch (err) {
      // The old file is untouched: keep it, with the appends the replacement was to supersede.
      for (const c of r.callers) c.reject(err instanceof Error ? err : new Error(String(err)))
      await this.writeBatch([...r.superseded, ...after])
      if (this.replacement === undefined) this.logicalBytes = this.fileBytes + bytesOf(this.pending)
      return
    }
    const old = this.handle
    this.handle = next
    this.fileBytes = body.length
    await old.close()
    if (this.sync) await syncDir(dirname(this.path))
    for (const c of r.callers) c.resolve()
  }
}
