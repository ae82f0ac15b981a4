// The binary encoding of Raft data, for the /shoal/raft/1 transport and the WAL. Every top-level
// encoding starts with a version byte. Integers are LEB128 varints, bytes and strings are
// length-prefixed. A batch names peer ids once in a string table, since every message of a batch
// to one peer repeats the same `to` and `from`, and a message writes only its non-zero fields.

import type { Entry, HardState, Message, Snapshot } from '../core/types.js'
import { ByteReader } from './byte-reader.js'
import { ByteWriter } from './byte-writer.js'
import { CodecError } from './codec-error.js'
import { limitsOf } from './limits.js'
import type { DecodeLimits, Limits } from './limits.js'
import { readMessage, writeMessage } from './message-fields.js'
import { readEntryType, readIds, readSnapshotBody, writeEntryType, writeIds, writeSnapshotBody } from './raft-fields.js'

export type { DecodeLimits } from './limits.js'

export const CODEC_VERSION = 1

function readVersion(r: ByteReader, what: string): void {
  const v = r.u8()
  if (v !== CODEC_VERSION) throw new CodecError(`${what}: unsupported codec version ${v}`, 0)
}

function checkSize(bytes: Uint8Array, l: Limits, what: string): void {
  if (bytes.byteLength > l.maxBytes) throw new CodecError(`${what}: ${bytes.byteLength} bytes exceeds the limit of ${l.maxBytes}`)
}

/** Run a decoder, turning any unexpected failure into a CodecError so callers branch on one class. */
function decoding<T>(what: string, bytes: Uint8Array, limits: DecodeLimits, body: (r: ByteReader, l: Limits) => T): T {
  const l = limitsOf(limits)
  checkSize(bytes, l, what)
  const r = new ByteReader(bytes)
  try {
    readVersion(r, what)
    const out = body(r, l)
    r.end()
    return out
  } catch (err) {
    if (err instanceof CodecError) throw err
    throw new CodecError(`${what}: ${String(err)}`, r.offset)
  }
}

export function encodeEntry(e: Entry): Uint8Array {
  const w = new ByteWriter(e.data.byteLength + 32)
  w.u8(CODEC_VERSION)
  writeEntryType(w, e.type)
  w.varint(e.index)
  w.varint(e.term)
  w.bytes(e.data)
  return w.finish()
}

export function decodeEntry(bytes: Uint8Array, limits: DecodeLimits = {}): Entry {
  return decoding('entry', bytes, limits, (r, l) => {
    const type = readEntryType(r)
    const index = r.varint()
    const term = r.varint()
    return { term, index, type, data: r.bytes(l.maxBytes, 'entry data') }
  })
}

export function encodeHardState(hs: HardState): Uint8Array {
  const w = new ByteWriter(64 + hs.vote.length * 3)
  w.u8(CODEC_VERSION)
  w.varint(hs.term)
  w.string(hs.vote)
  w.varint(hs.commit)
  return w.finish()
}

export function decodeHardState(bytes: Uint8Array, limits: DecodeLimits = {}): HardState {
  return decoding('hard state', bytes, limits, (r, l) => {
    const term = r.varint()
    const vote = r.string(l.maxIdBytes, 'vote')
    return { term, vote, commit: r.varint() }
  })
}

export function encodeSnapshot(s: Snapshot): Uint8Array {
  const w = new ByteWriter(s.data.byteLength + 256)
  w.u8(CODEC_VERSION)
  writeSnapshotBody(w, s)
  return w.finish()
}

export function decodeSnapshot(bytes: Uint8Array, limits: DecodeLimits = {}): Snapshot {
  return decoding('snapshot', bytes, limits, readSnapshotBody)
}

/** Encode messages as one frame body; `sizeHint` pre-sizes the buffer (see encodedSizeBound). */
export function encodeBatch(msgs: readonly Message[], sizeHint = 256): Uint8Array {
  const table: string[] = []
  const index = new Map<string, number>()
  const ref = (s: string): number => {
    let i = index.get(s)
    if (i === undefined) {
      i = table.length
      table.push(s)
      index.set(s, i)
    }
    return i
  }
  for (const m of msgs) {
    ref(m.to)
    ref(m.from)
  }
  const w = new ByteWriter(sizeHint)
  w.u8(CODEC_VERSION)
  writeIds(w, table)
  w.varint(msgs.length)
  for (const m of msgs) writeMessage(w, m, ref)
  return w.finish()
}

export function decodeBatch(bytes: Uint8Array, limits: DecodeLimits = {}): Message[] {
  return decoding('message batch', bytes, limits, (r, l) => {
    const table = readIds(r, l, 'string table')
    const n = r.count(l.maxMessages, 'messages')
    const out: Message[] = []
    for (let i = 0; i < n; i++) out.push(readMessage(r, l, table))
    return out
  })
}

const VARINT_MAX = 8
const idBound = (s: string): number => VARINT_MAX + s.length * 3

/**
 * An upper bound of the bytes `m` adds to a batch (its ids counted as if new to the table), so a
 * sender can fill a frame up to a size limit without encoding twice.
 */
export function encodedSizeBound(m: Message): number {
  let n = 1 + 2 * VARINT_MAX + 2 * VARINT_MAX + idBound(m.to) + idBound(m.from) + 5 * VARINT_MAX
  n += VARINT_MAX
  for (const e of m.entries) n += 1 + 3 * VARINT_MAX + e.data.byteLength
  if (m.snapshot !== undefined) {
    const cs = m.snapshot.metadata.confState
    const ids = [...cs.voters, ...cs.learners, ...cs.votersOutgoing, ...cs.learnersNext]
    n += 3 * VARINT_MAX + 4 * VARINT_MAX + 1 + ids.reduce((s, id) => s + idBound(id), 0) + m.snapshot.data.byteLength
  }
  return n + VARINT_MAX + m.context.byteLength
}

/** Fixed bytes of a batch besides its messages: version byte, table and message counts. */
export const BATCH_OVERHEAD_BOUND = 1 + 2 * VARINT_MAX
