import { crc32 } from 'node:zlib'

// Record layout: magic (4) | length (4) | batch offset (4) | crc32 (4) | payload.
// The crc covers length, batch offset and payload. The magic lets recovery find valid records
// after damage; the batch offset (distance from the start of the write batch, i.e. one flush)
// tells whether a valid record after the damage belongs to a later batch. A later batch was only
// written after the damaged one was fsynced, so that damage is corruption of durable data and must
// never be truncated away.
// Damage in the last batch is ambiguous: that batch may have been torn by a crash before it was
// acknowledged (truncate), or acknowledged and damaged since (refuse). Nothing on disk records
// the acknowledgement without a second fsync per batch, so recovery goes by what each looks like
// (etcd's WAL does the same): a torn write ends the file early or leaves sectors unwritten, which
// read back as zeros; a flipped bit or a misdirected write leaves every byte present and non-zero
// sectors. What stays ambiguous (damage that looks torn) is described in the README, Durability.
const MAGIC = 0x53484f4c // "SHOL"
/** The smallest unit a disk writes atomically; a torn write loses whole sectors. */
const SECTOR = 512
export const RECORD_HEADER_BYTES = 16
const HEADER = RECORD_HEADER_BYTES
export const DEFAULT_MAX_RECORD_BYTES = 64 * 1024 * 1024

/**
 * A record is damaged in a way a crash cannot explain: valid records of a later write follow it,
 * or it is complete with no unwritten sectors. Truncating could lose acknowledged records.
 */
export class CorruptRecordError extends Error {
  override name = 'CorruptRecordError'
  constructor(
    readonly path: string,
    readonly offset: number,
    readonly reason = 'a damaged record is followed by valid ones',
  ) {
    super(`${path} is corrupt at byte ${offset}: ${reason}; refusing to truncate`)
  }
}

export class RecordTooLargeError extends Error {
  override name = 'RecordTooLargeError'
  constructor(
    readonly size: number,
    readonly max: number,
  ) {
    super(`record of ${size} bytes exceeds the limit of ${max} bytes`)
  }
}

export interface DecodedRecords {
  records: Uint8Array[]
  /** Byte offset of each record's header, for error messages. */
  offsets: number[]
  /** Length of the valid prefix; anything after it is a torn tail. */
  validBytes: number
}

export function framedSize(payload: Uint8Array): number {
  return HEADER + payload.byteLength
}

/** Frame `records` as one write batch. */
export function frameBatch(records: readonly Uint8Array[]): Buffer {
  const buf = Buffer.allocUnsafe(records.reduce((n, r) => n + framedSize(r), 0))
  let at = 0
  for (const r of records) {
    buf.writeUInt32BE(MAGIC, at)
    buf.writeUInt32BE(r.byteLength, at + 4)
    buf.writeUInt32BE(at, at + 8)
    buf.set(r, at + HEADER)
    buf.writeUInt32BE(checksum(buf, at, r.byteLength), at + 12)
    at += framedSize(r)
  }
  return buf
}

function checksum(buf: Buffer, at: number, len: number): number {
  return crc32(buf.subarray(at + HEADER, at + HEADER + len), crc32(buf.subarray(at + 4, at + 12)))
}

/** Length of the valid record at `at`, or -1. */
function validRecordAt(buf: Buffer, at: number, max: number): number {
  if (at + HEADER > buf.length) return -1
  if (buf.readUInt32BE(at) !== MAGIC) return -1
  const len = buf.readUInt32BE(at + 4)
  if (len > max || at + HEADER + len > buf.length) return -1
  if (buf.readUInt32BE(at + 12) !== checksum(buf, at, len)) return -1
  return len
}

/**
 * Throw unless the damage at `damaged` is a torn write of the last batch: no valid record of a
 * later batch follows it, and it looks torn (see the top of this file).
 */
function assertTornTail(path: string, buf: Buffer, damaged: number, max: number): void {
  let regionEnd: number | undefined
  for (let probe = damaged + 1; probe + HEADER <= buf.length; probe++) {
    const len = validRecordAt(buf, probe, max)
    if (len < 0) continue
    const batchStart = probe - buf.readUInt32BE(probe + 8)
    if (batchStart > damaged) throw new CorruptRecordError(path, damaged)
    regionEnd ??= probe
    probe += HEADER + len - 1
  }
  if (!looksTorn(buf, damaged, regionEnd)) {
    throw new CorruptRecordError(path, damaged, 'a damaged record of the last write is complete and has no unwritten (zeroed) sector, so it is not a torn write')
  }
}

/** Whether the damage at `at`, up to the next valid record (`next`) or the end of the file, looks like a torn write. */
function looksTorn(buf: Buffer, at: number, next: number | undefined): boolean {
  // The file ends inside the header, or inside the record the header announces: a short write.
  // (Not when a valid record follows: then the file did not end there, the length is damaged.)
  if (at + HEADER > buf.length) return true
  if (next === undefined && buf.readUInt32BE(at) === MAGIC && at + HEADER + buf.readUInt32BE(at + 4) > buf.length) return true
  const end = next ?? buf.length
  // Sectors that were never written: the damaged span, cut at sector boundaries of the file,
  // has a piece that is all zeros.
  for (let from = at; from < end; ) {
    const to = Math.min(end, (Math.floor(from / SECTOR) + 1) * SECTOR)
    if (buf.subarray(from, to).every((b) => b === 0)) return true
    from = to
  }
  return false
}

/** Decode every record; a torn tail ends the valid prefix, damage before durable data throws. */
export function decodeRecords(path: string, buf: Buffer, max = DEFAULT_MAX_RECORD_BYTES): DecodedRecords {
  const records: Uint8Array[] = []
  const offsets: number[] = []
  let at = 0
  while (at < buf.length) {
    const len = validRecordAt(buf, at, max)
    if (len < 0) {
      assertTornTail(path, buf, at, max)
      break
    }
    records.push(new Uint8Array(buf.subarray(at + HEADER, at + HEADER + len)))
    offsets.push(at)
    at += HEADER + len
  }
  return { records, offsets, validBytes: at }
}

