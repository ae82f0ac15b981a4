import * as decoding from 'lib0/decoding'
import * as encoding from 'lib0/encoding'
import { messageYjsSyncStep1, messageYjsSyncStep2, messageYjsUpdate, writeSyncStep1, writeSyncStep2, writeUpdate } from 'y-protocols/sync'
import * as Y from 'yjs'
import { MalformedMessageError } from '../errors.js'

/**
 * The y-protocols sync messages (step 1: a state vector; step 2: the updates the other side
 * lacks; update: one incremental update), encoded with y-protocols' own writers so the bytes are
 * the standard ones. Decoding is ours: y-protocols' readers apply while they decode and swallow
 * errors with console.error, whereas a message from a peer must be fully checked first and then
 * applied whole or not at all.
 */
export type SyncMessage =
  | { type: 'step1'; stateVector: Uint8Array }
  | { type: 'step2'; update: Uint8Array }
  | { type: 'update'; update: Uint8Array }

export interface MessageLimits {
  /** Largest step 2 (a whole document for a new node). */
  maxStep2Bytes?: number
  /** Largest incremental update (gossip, or an update frame on the sync stream). */
  maxUpdateBytes?: number
  /** Largest state vector. */
  maxStep1Bytes?: number
}

export const DEFAULT_LIMITS: Required<MessageLimits> = {
  maxStep2Bytes: 64 * 1024 * 1024,
  maxUpdateBytes: 4 * 1024 * 1024,
  maxStep1Bytes: 1024 * 1024,
}

function encoded(write: (e: encoding.Encoder) => void): Uint8Array {
  const encoder = encoding.createEncoder()
  write(encoder)
  return encoding.toUint8Array(encoder)
}

export function encodeStep1(doc: Y.Doc): Uint8Array {
  return encoded((e) => writeSyncStep1(e, doc))
}

/** The updates `doc` has that a peer with `stateVector` lacks. */
export function encodeStep2(doc: Y.Doc, stateVector: Uint8Array): Uint8Array {
  return encoded((e) => writeSyncStep2(e, doc, stateVector))
}

export function encodeUpdate(update: Uint8Array): Uint8Array {
  return encoded((e) => writeUpdate(e, update))
}

/** Throws MalformedMessageError unless `update` decodes completely as a Yjs v1 update. */
export function checkUpdate(update: Uint8Array): void {
  try {
    Y.decodeUpdate(update)
  } catch (err) {
    throw new MalformedMessageError(`update does not decode (${err instanceof Error ? err.message : String(err)})`)
  }
}

function payload(decoder: decoding.Decoder, max: number, what: string): Uint8Array {
  let bytes: Uint8Array
  try {
    bytes = decoding.readVarUint8Array(decoder)
  } catch {
    throw new MalformedMessageError(`${what} is truncated`)
  }
  if (bytes.byteLength > max) throw new MalformedMessageError(`${what} of ${bytes.byteLength} bytes exceeds the limit of ${max}`)
  if (decoding.hasContent(decoder)) throw new MalformedMessageError(`${what} is followed by trailing bytes`)
  return bytes
}

/** Decode and validate one message; throws MalformedMessageError and never touches a document. */
export function decodeSyncMessage(bytes: Uint8Array, limits: MessageLimits = {}): SyncMessage {
  const max = { ...DEFAULT_LIMITS, ...limits }
  const decoder = decoding.createDecoder(bytes)
  let type: number
  try {
    type = decoding.readVarUint(decoder)
  } catch {
    throw new MalformedMessageError('empty message')
  }
  switch (type) {
    case messageYjsSyncStep1: {
      const stateVector = payload(decoder, max.maxStep1Bytes, 'state vector')
      try {
        Y.decodeStateVector(stateVector)
      } catch {
        throw new MalformedMessageError('state vector does not decode')
      }
      return { type: 'step1', stateVector }
    }
    case messageYjsSyncStep2: {
      const update = payload(decoder, max.maxStep2Bytes, 'step 2')
      checkUpdate(update)
      return { type: 'step2', update }
    }
    case messageYjsUpdate: {
      const update = payload(decoder, max.maxUpdateBytes, 'update')
      checkUpdate(update)
      return { type: 'update', update }
    }
    default:
      throw new MalformedMessageError(`unknown message type ${type}`)
  }
}

/**
 * Apply a validated update with `origin`. Yjs cannot roll a failed apply back, which is why
 * callers validate with decodeSyncMessage/checkUpdate first; this still contains any exception
 * so that a peer's bytes can never take the caller down.
 */
export function applyRemoteUpdate(doc: Y.Doc, update: Uint8Array, origin: unknown): void {
  try {
    Y.applyUpdate(doc, update, origin)
  } catch (err) {
    throw new MalformedMessageError(`update failed to apply (${err instanceof Error ? err.message : String(err)})`)
  }
}
