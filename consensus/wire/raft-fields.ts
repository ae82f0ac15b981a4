import type { ConfState, EntryType, Snapshot } from '../core/types.js'
import type { ByteReader } from './byte-reader.js'
import type { ByteWriter } from './byte-writer.js'
import { CodecError } from './codec-error.js'
import type { Limits } from './limits.js'

// Field encodings shared by the WAL records and the message batch.

export const ENTRY_TYPES: readonly EntryType[] = ['normal', 'conf-change']


export function writeEntryType(w: ByteWriter, t: EntryType): void {
  const code = ENTRY_TYPES.indexOf(t)
  if (code < 0) throw new CodecError(`unknown entry type ${String(t)}`)
  w.u8(code)
}

export function readEntryType(r: ByteReader): EntryType {
  const at = r.offset
  const t = ENTRY_TYPES[r.u8()]
  if (t === undefined) throw new CodecError('unknown entry type', at)
  return t
}

export function writeIds(w: ByteWriter, ids: readonly string[]): void {
  w.varint(ids.length)
  for (const id of ids) w.string(id)
}

export function readIds(r: ByteReader, l: Limits, what: string): string[] {
  const n = r.count(l.maxIds, what)
  const ids: string[] = []
  for (let i = 0; i < n; i++) ids.push(r.string(l.maxIdBytes, what))
  return ids
}

export function writeConfState(w: ByteWriter, cs: ConfState): void {
  writeIds(w, cs.voters)
  writeIds(w, cs.learners)
  writeIds(w, cs.votersOutgoing)
  writeIds(w, cs.learnersNext)
  w.u8(cs.autoLeave ? 1 : 0)
}

export function readConfState(r: ByteReader, l: Limits): ConfState {
  return {
    voters: readIds(r, l, 'voters'),
    learners: readIds(r, l, 'learners'),
    votersOutgoing: readIds(r, l, 'votersOutgoing'),
    learnersNext: readIds(r, l, 'learnersNext'),
    autoLeave: r.bool('autoLeave'),
  }
}

export function writeSnapshotBody(w: ByteWriter, s: Snapshot): void {
  w.varint(s.metadata.index)
  w.varint(s.metadata.term)
  writeConfState(w, s.metadata.confState)
  w.bytes(s.data)
}

export function readSnapshotBody(r: ByteReader, l: Limits): Snapshot {
  const index = r.varint()
  const term = r.varint()
  const confState = readConfState(r, l)
  return { metadata: { index, term, confState }, data: r.bytes(l.maxBytes, 'snapshot data') }
}
