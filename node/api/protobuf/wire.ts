import { reader } from 'protons-runtime'
import { BadRequestError } from '../errors.js'

// The protocol buffers wire format through protons-runtime's reader (the one libp2p uses): enough
// to walk the fields of a message.

const VARINT = 0
const FIXED64 = 1
const LENGTH_DELIMITED = 2
const FIXED32 = 5

/** One field as it was on the wire: varints as bigint (int64 needs all 64 bits), the rest as bytes. */
export type WireField = { number: number; value: bigint } | { number: number; value: Uint8Array }

function malformed(why: string): BadRequestError {
  return new BadRequestError(`malformed protobuf body: ${why}`)
}

/** The fields of one message, in wire order. Throws BadRequestError on a malformed message. */
export function readFields(bytes: Uint8Array): WireField[] {
  const r = reader(bytes)
  const out: WireField[] = []
  // The fixed-size types are kept as their raw bytes: shoal reads none of them, but a set one
  // must be seen (as non-zero) to be refused rather than dropped.
  const raw = (type: number): Uint8Array => {
    const start = r.pos
    r.skipType(type)
    return bytes.subarray(start, r.pos)
  }
  try {
    while (r.pos < r.len) {
      const tag = r.uint32()
      const number = tag >>> 3
      const type = tag & 7
      if (number === 0) throw malformed('field number 0')
      if (type === VARINT) out.push({ number, value: r.uint64() })
      else if (type === LENGTH_DELIMITED) out.push({ number, value: r.bytes() })
      else if (type === FIXED64 || type === FIXED32) out.push({ number, value: raw(type) })
      else throw malformed(`unsupported wire type ${type}`)
    }
  } catch (err) {
    if (err instanceof BadRequestError) throw err
    throw malformed((err as Error).message)
  }
  return out
}

/** A varint read as a signed 64-bit integer (protobuf encodes negative int32/int64 that way). */
export function signed(v: bigint): number {
  return Number(BigInt.asIntN(64, v))
}

export function utf8(bytes: Uint8Array): string {
  return new TextDecoder('utf-8', { fatal: false }).decode(bytes)
}
