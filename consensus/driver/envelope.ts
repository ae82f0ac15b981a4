// A proposal travels as [version][id length][id][payload], so the node that proposed it can match
// the committed entry to the waiting caller. Other nodes see an id they do not know and just apply.

const VERSION = 1

export class EnvelopeError extends Error {
  override name = 'EnvelopeError'
}

export function encodeEnvelope(id: string, payload: Uint8Array): Uint8Array {
  const idBytes = new TextEncoder().encode(id)
  if (idBytes.length > 255) throw new EnvelopeError('proposal id longer than 255 bytes')
  const out = new Uint8Array(2 + idBytes.length + payload.length)
  out[0] = VERSION
  out[1] = idBytes.length
  out.set(idBytes, 2)
  out.set(payload, 2 + idBytes.length)
  return out
}

export function decodeEnvelope(data: Uint8Array): { id: string; payload: Uint8Array } {
  if (data.length < 2 || data[0] !== VERSION) throw new EnvelopeError('not a proposal envelope')
  const len = data[1]!
  if (data.length < 2 + len) throw new EnvelopeError('truncated proposal envelope')
  return { id: new TextDecoder().decode(data.subarray(2, 2 + len)), payload: data.subarray(2 + len) }
}
