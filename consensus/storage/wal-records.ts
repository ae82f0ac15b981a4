import type { Entry, HardState } from '../core/types.js'
import { ByteReader } from '../wire/byte-reader.js'
import { ByteWriter } from '../wire/byte-writer.js'
import { decodeEntry, decodeHardState, encodeEntry, encodeHardState } from '../wire/codec.js'
import { CodecError } from '../wire/codec-error.js'

/** A position in the log: an entry's index and term. */
export interface LogPosition {
  index: number
  term: number
}

/**
 * What the WAL holds, replayed in order on recovery:
 * - entry: append, truncating any conflicting suffix (a new leader overwrote it);
 * - hard-state: the latest term, vote and commit;
 * - snapshot: the snapshot file for this position is durable and may be loaded;
 * - base: the log restarts after this position (compaction, or a snapshot from the leader).
 */
export type WalRecord =
  | { kind: 'entry'; entry: Entry }
  | { kind: 'hard-state'; hardState: HardState }
  | { kind: 'snapshot'; at: LogPosition }
  | { kind: 'base'; at: LogPosition }

// Record kinds on disk: append, never renumber.
const ENTRY = 1
const HARD_STATE = 2
const SNAPSHOT = 3
const BASE = 4

function tagged(kind: number, body: Uint8Array): Uint8Array {
  const out = new Uint8Array(body.byteLength + 1)
  out[0] = kind
  out.set(body, 1)
  return out
}

function position(kind: number, at: LogPosition): Uint8Array {
  const w = new ByteWriter(24)
  w.u8(kind)
  w.varint(at.index)
  w.varint(at.term)
  return w.finish()
}

export function encodeWalRecord(r: WalRecord): Uint8Array {
  switch (r.kind) {
    case 'entry':
      return tagged(ENTRY, encodeEntry(r.entry))
    case 'hard-state':
      return tagged(HARD_STATE, encodeHardState(r.hardState))
    case 'snapshot':
      return position(SNAPSHOT, r.at)
    case 'base':
      return position(BASE, r.at)
  }
}

/** Decode one WAL record; throws CodecError on bytes that passed the checksum yet make no sense. */
export function decodeWalRecord(bytes: Uint8Array, maxBytes: number): WalRecord {
  const kind = bytes[0]
  const body = bytes.subarray(1)
  switch (kind) {
    case ENTRY:
      return { kind: 'entry', entry: decodeEntry(body, { maxBytes }) }
    case HARD_STATE:
      return { kind: 'hard-state', hardState: decodeHardState(body) }
    case SNAPSHOT:
    case BASE: {
      const r = new ByteReader(body)
      const at = { index: r.varint(), term: r.varint() }
      r.end()
      return { kind: kind === SNAPSHOT ? 'snapshot' : 'base', at }
    }
    default:
      throw new CodecError(`unknown WAL record kind ${String(kind)}`, 0)
  }
}
