import { open, rename, stat } from 'node:fs/promises'
import type { FileHandle } from 'node:fs/promises'
import { dirname } from 'node:path'
import { crc32 } from 'node:zlib'

// Record layout: magic (4) | length (4) | crc32 of length+payload (4) | payload.
// The magic lets recovery tell a torn tail (nothing valid after the bad record) from corruption
// in the middle (a valid record follows), which must never be silently truncated.
const MAGIC = 0x53484f4c // "SHOL"
const HEADER = 12

/** A record in the middle of the file is damaged; truncating would lose later records. */
export class CorruptRecordError extends Error {
  override name = 'CorruptRecordError'
  constructor(
    readonly path: string,
    readonly offset: number,
  ) {
    super(`${path} is corrupt at byte ${offset}: a damaged record is followed by valid ones; refusing to truncate`)
  }
}

export class RecordTooLargeError extends Error {
  override name = 'RecordTooLargeError'
  constructor(size: number, max: number) {
    super(`record of ${size} bytes exceeds the limit of ${max} bytes`)
  }
}

export interface RecordFileInit {
  /** Records larger than this are refused on append and treated as damage on load. */
  maxRecordBytes?: number
  /** fsync on flush (default true). Tests of crash recovery may turn it off to simulate loss. */
  sync?: boolean
}

export interface OpenedRecordFile {
  file: RecordFile
  records: Uint8Array[]
  /** Bytes dropped from a torn tail during recovery. */
  truncatedBytes: number
}

function frame(payload: Uint8Array): Buffer {
  const buf = Buffer.allocUnsafe(HEADER + payload.byteLength)
  buf.writeUInt32BE(MAGIC, 0)
  buf.writeUInt32BE(payload.byteLength, 4)
  buf.set(payload, HEADER)
  buf.writeUInt32BE(checksum(buf, 0, payload.byteLength), 8)
  return buf
}

function checksum(buf: Buffer, at: number, len: number): number {
  return crc32(buf.subarray(at + HEADER, at + HEADER + len), crc32(buf.subarray(at + 4, at + 8)))
}

/** Length of the valid record at `at`, or -1. */
function validRecordAt(buf: Buffer, at: number, max: number): number {
  if (at + HEADER > buf.length) return -1
  if (buf.readUInt32BE(at) !== MAGIC) return -1
  const len = buf.readUInt32BE(at + 4)
  if (len > max || at + HEADER + len > buf.length) return -1
  if (buf.readUInt32BE(at + 8) !== checksum(buf, at, len)) return -1
  return len
}

export function decodeRecords(
  path: string,
  buf: Buffer,
  max: number,
): { records: Uint8Array[]; validBytes: number } {
  const records: Uint8Array[] = []
  let at = 0
  while (at < buf.length) {
    const len = validRecordAt(buf, at, max)
    if (len < 0) {
      for (let probe = at + 1; probe + HEADER <= buf.length; probe++) {
        if (validRecordAt(buf, probe, max) >= 0) throw new CorruptRecordError(path, at)
      }
      break
    }
    records.push(new Uint8Array(buf.subarray(at + HEADER, at + HEADER + len)))
    at += HEADER + len
  }
  return { records, validBytes: at }
}

async function syncDir(path: string): Promise<void> {
  const dir = await open(dirname(path), 'r')
  try {
    await dir.sync()
  } finally {
    await dir.close()
  }
}

/**
 * An append-only file of checksummed records with group commit: appends are buffered and one
 * `flush()` writes and fsyncs everything buffered so far, so concurrent writers share an fsync.
 * Used by the Raft WAL and by CRDT persistence.
 */
export class RecordFile {
  private pending: Buffer[] = []
  private flushing: Promise<void> = Promise.resolve()
  private closed = false
  private bytes: number

  private constructor(
    readonly path: string,
    private handle: FileHandle,
    size: number,
    private readonly max: number,
    private readonly sync: boolean,
  ) {
    this.bytes = size
  }

  static async open(path: string, init: RecordFileInit = {}): Promise<OpenedRecordFile> {
    const max = init.maxRecordBytes ?? 64 * 1024 * 1024
    const existed = await stat(path).then(
      () => true,
      () => false,
    )
    const handle = await open(path, existed ? 'r+' : 'w+', 0o600)
    try {
      const buf = existed ? await handle.readFile() : Buffer.alloc(0)
      const { records, validBytes } = decodeRecords(path, buf, max)
      if (validBytes < buf.length) {
        await handle.truncate(validBytes)
        await handle.sync()
      }
      if (!existed) await syncDir(path)
      const file = new RecordFile(path, handle, validBytes, max, init.sync ?? true)
      return { file, records, truncatedBytes: buf.length - validBytes }
    } catch (err) {
      await handle.close()
      throw err
    }
  }

  /** Bytes in the file, flushed or not. */
  get size(): number {
    return this.bytes + this.pending.reduce((n, b) => n + b.length, 0)
  }

  append(record: Uint8Array): void {
    if (this.closed) throw new Error(`${this.path} is closed`)
    if (record.byteLength > this.max) throw new RecordTooLargeError(record.byteLength, this.max)
    this.pending.push(frame(record))
  }

  /** Write and fsync everything appended so far; resolves once it is durable. */
  flush(): Promise<void> {
    this.flushing = this.flushing.then(() => this.writePending())
    return this.flushing
  }

  private async writePending(): Promise<void> {
    if (this.pending.length === 0) return
    const batch = Buffer.concat(this.pending)
    this.pending = []
    await this.handle.write(batch, 0, batch.length, this.bytes)
    this.bytes += batch.length
    if (this.sync) await this.handle.datasync()
  }

  /** Atomically replace the whole file (compaction): write a temp file, fsync, rename, fsync dir. */
  async replace(records: Uint8Array[]): Promise<void> {
    await this.flush()
    const tmp = `${this.path}.tmp`
    const out = await open(tmp, 'w', 0o600)
    const body = Buffer.concat(records.map(frame))
    try {
      await out.write(body, 0, body.length, 0)
      await out.sync()
    } finally {
      await out.close()
    }
    await this.handle.close()
    await rename(tmp, this.path)
    await syncDir(this.path)
    this.handle = await open(this.path, 'r+')
    this.bytes = body.length
  }

  async close(): Promise<void> {
    if (this.closed) return
    await this.flush()
    this.closed = true
    await this.handle.close()
  }
}
