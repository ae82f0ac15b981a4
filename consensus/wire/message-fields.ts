import type { Entry, Message, MessageType } from '../core/types.js'
import type { ByteReader } from './byte-reader.js'
import type { ByteWriter } from './byte-writer.js'
import { CodecError } from './codec-error.js'
import type { Limits } from './limits.js'
import { ENTRY_TYPES, readSnapshotBody, writeSnapshotBody } from './raft-fields.js'

// One message of a batch: a type code, a bitmap of the fields that are not zero, references into
// the batch's string table for `to` and `from`, then the present fields.

// Codes are part of the wire format: append, never renumber.
const TYPE_CODES: Record<MessageType, number> = {
  hup: 1,
  beat: 2,
  prop: 3,
  'check-quorum': 4,
  unreachable: 5,
  'snap-status': 6,
  app: 7,
  'app-resp': 8,
  vote: 9,
  'vote-resp': 10,
  'pre-vote': 11,
  'pre-vote-resp': 12,
  snap: 13,
  heartbeat: 14,
  'heartbeat-resp': 15,
  'transfer-leader': 16,
  'timeout-now': 17,
  'read-index': 18,
  'read-index-resp': 19,
}
const TYPES_BY_CODE = new Map(Object.entries(TYPE_CODES).map(([t, c]) => [c, t as MessageType]))

// Presence bits of a message's optional fields.
const F_TERM = 1
const F_LOG_TERM = 2
const F_INDEX = 4
const F_COMMIT = 8
const F_REJECT_HINT = 16
const F_REJECT = 32
const F_ENTRIES = 64
const F_SNAPSHOT = 128
const F_CONTEXT = 256
const F_ALL = 511

// An entry in a message starts with one byte: its type code plus these flags. Entries of one
// message are consecutive and mostly of one term, so index and term usually cost nothing.
const E_NEXT_INDEX = 4
const E_SAME_TERM = 8

function writeEntries(w: ByteWriter, entries: readonly Entry[]): void {
  w.varint(entries.length)
  let index = -1
  let term = 0
  for (const e of entries) {
    const code = ENTRY_TYPES.indexOf(e.type)
    if (code < 0) throw new CodecError(`unknown entry type ${String(e.type)}`)
    const next = e.index === index + 1
    const same = e.term === term
    w.u8(code | (next ? E_NEXT_INDEX : 0) | (same ? E_SAME_TERM : 0))
    if (!next) w.varint(e.index)
    if (!same) w.varint(e.term)
    w.bytes(e.data)
    index = e.index
    term = e.term
  }
}

function readEntries(r: ByteReader, l: Limits): Entry[] {
  const n = r.count(l.maxEntries, 'entries')
  const out: Entry[] = []
  let index = -1
  let term = 0
  for (let i = 0; i < n; i++) {
    const at = r.offset
    const head = r.u8()
    const type = ENTRY_TYPES[head & 3]
    if (type === undefined || head > (3 | E_NEXT_INDEX | E_SAME_TERM)) throw new CodecError('invalid entry header', at)
    index = head & E_NEXT_INDEX ? index + 1 : r.varint()
    if (!Number.isSafeInteger(index)) throw new CodecError('entry index out of range', at)
    if (!(head & E_SAME_TERM)) term = r.varint()
    out.push({ term, index, type, data: r.bytes(l.maxBytes, 'entry data') })
  }
  return out
}

function presence(m: Message): number {
  let f = 0
  if (m.term !== 0) f |= F_TERM
  if (m.logTerm !== 0) f |= F_LOG_TERM
  if (m.index !== 0) f |= F_INDEX
  if (m.commit !== 0) f |= F_COMMIT
  if (m.rejectHint !== 0) f |= F_REJECT_HINT
  if (m.reject) f |= F_REJECT
  if (m.entries.length > 0) f |= F_ENTRIES
  if (m.snapshot !== undefined) f |= F_SNAPSHOT
  if (m.context.byteLength > 0) f |= F_CONTEXT
  return f
}

export function writeMessage(w: ByteWriter, m: Message, ref: (id: string) => number): void {
  const code = TYPE_CODES[m.type]
  if (code === undefined) throw new CodecError(`unknown message type ${String(m.type)}`)
  w.u8(code)
  const f = presence(m)
  w.varint(f)
  w.varint(ref(m.to))
  w.varint(ref(m.from))
  if (f & F_TERM) w.varint(m.term)
  if (f & F_LOG_TERM) w.varint(m.logTerm)
  if (f & F_INDEX) w.varint(m.index)
  if (f & F_COMMIT) w.varint(m.commit)
  if (f & F_REJECT_HINT) w.varint(m.rejectHint)
  if (f & F_ENTRIES) writeEntries(w, m.entries)
  if (f & F_SNAPSHOT) writeSnapshotBody(w, m.snapshot!)
  if (f & F_CONTEXT) w.bytes(m.context)
}

export function readMessage(r: ByteReader, l: Limits, table: readonly string[]): Message {
  const at = r.offset
  const type = TYPES_BY_CODE.get(r.u8())
  if (type === undefined) throw new CodecError('unknown message type', at)
  const f = r.varint()
  if (f > F_ALL) throw new CodecError(`unknown message fields ${f}`, at)
  const id = (): string => {
    const refAt = r.offset
    const s = table[r.varint()]
    if (s === undefined) throw new CodecError('node id reference outside the string table', refAt)
    return s
  }
  const num = (bit: number): number => (f & bit ? r.varint() : 0)
  const m: Message = {
    type,
    to: id(),
    from: id(),
    term: num(F_TERM),
    logTerm: num(F_LOG_TERM),
    index: num(F_INDEX),
    commit: num(F_COMMIT),
    rejectHint: num(F_REJECT_HINT),
    reject: (f & F_REJECT) !== 0,
    entries: f & F_ENTRIES ? readEntries(r, l) : [],
    context: new Uint8Array(0),
  }
  if (f & F_SNAPSHOT) m.snapshot = readSnapshotBody(r, l)
  if (f & F_CONTEXT) m.context = r.bytes(l.maxBytes, 'context')
  return m
}
