import { open, readFile, rename } from 'node:fs/promises'
import type { FileHandle } from 'node:fs/promises'
import { DEFAULT_MAX_RECORD_BYTES, RecordTooLargeError, decodeRecords, frameBatch } from './record-file-format.js'
import type { DecodedRecords } from './record-file-format.js'
import { dirname } from 'node:path'

// File operations shared by RecordFile and whole-file writers (snapshot files).

export interface RecordIoInit {
  maxRecordBytes?: number
  /** fsync (default true). */
  sync?: boolean
}

export function assertSizes(records: readonly Uint8Array[], max: number): void {
  for (const r of records) if (r.byteLength > max) throw new RecordTooLargeError(r.byteLength, max)
}

/** Read a record file without changing it (e.g. a snapshot file written by writeRecordFile). */
export async function readRecordFile(path: string, init: RecordIoInit = {}): Promise<DecodedRecords & { truncatedBytes: number }> {
  const buf = await readFile(path)
  const decoded = decodeRecords(path, buf, init.maxRecordBytes ?? DEFAULT_MAX_RECORD_BYTES)
  return { ...decoded, truncatedBytes: buf.length - decoded.validBytes }
}

/** fsync a directory, making the names created or renamed in it durable. */
export async function syncDir(dir: string): Promise<void> {
  const handle = await open(dir, 'r')
  try {
    await handle.sync()
  } finally {
    await handle.close()
  }
}

export async function writeAll(handle: FileHandle, buf: Buffer, position: number): Promise<void> {
  let done = 0
  while (done < buf.length) {
    const { bytesWritten } = await handle.write(buf, done, buf.length - done, position + done)
    done += bytesWritten
  }
}

/** Write `body` to `${path}.tmp` and fsync it; returns the open handle (closed on failure). */
export async function writeTemp(path: string, body: Buffer, sync: boolean): Promise<FileHandle> {
  const out = await open(`${path}.tmp`, 'w+', 0o600)
  try {
    await writeAll(out, body, 0)
    if (sync) await out.sync()
    return out
  } catch (err) {
    await out.close()
    throw err
  }
}

/** Move the temp file written by writeTemp over `path`; the rename is the atomic switch. */
export async function renameTemp(path: string): Promise<void> {
  await rename(`${path}.tmp`, path)
}

/** Replace `path` with `body` atomically: temp file, fsync, rename, fsync the directory. */
export async function writeFileDurable(path: string, body: Buffer, sync = true): Promise<void> {
  const handle = await writeTemp(path, body, sync)
  try {
    await renameTemp(path)
  } finally {
    await handle.close()
  }
  if (sync) await syncDir(dirname(path))
}

/** Atomically write a whole record file (used for snapshot files). */
export async function writeRecordFile(path: string, records: readonly Uint8Array[], init: RecordIoInit = {}): Promise<void> {
  assertSizes(records, init.maxRecordBytes ?? DEFAULT_MAX_RECORD_BYTES)
  await writeFileDurable(path, frameBatch(records), init.sync ?? true)
}
