import { describe, expect, it } from 'vitest'
import { fastGossipMessageId } from '../../node/p2p/gossip-message-id.js'

const bytes = (...b: number[]): Uint8Array => Uint8Array.from(b)

describe('fastGossipMessageId', () => {
  it('names a signed message by origin and sequence number, whatever peer relays it', () => {
    const a = fastGossipMessageId({ from: bytes(1, 2), seqno: bytes(0, 7), data: bytes(9) })
    expect(fastGossipMessageId({ from: bytes(1, 2), seqno: bytes(0, 7), data: bytes(9) })).toBe(a)
    expect(fastGossipMessageId({ from: bytes(1, 2), seqno: bytes(0, 8), data: bytes(9) })).not.toBe(a)
    expect(fastGossipMessageId({ from: bytes(1, 3), seqno: bytes(0, 7), data: bytes(9) })).not.toBe(a)
  })

  it('falls back to the content for a message without origin or sequence number', () => {
    const a = fastGossipMessageId({ data: bytes(1, 2, 3) })
    expect(fastGossipMessageId({ data: bytes(1, 2, 3) })).toBe(a)
    expect(fastGossipMessageId({ data: bytes(1, 2, 4) })).not.toBe(a)
  })
})
