import { createHash } from 'node:crypto'

interface RpcMessage {
  from?: Uint8Array
  seqno?: Uint8Array
  data?: Uint8Array
}

/**
 * gossipsub's cheap duplicate check, run before anything else on a received message. Without it
 * every copy of a message (each arrives from several mesh peers) is signature-verified before
 * the seen-cache rejects it, and those ed25519 verifications were most of an idle agent's CPU.
 * Origin and sequence number identify a signed message, as gossipsub's own message id does.
 */
export function fastGossipMessageId(msg: RpcMessage): string {
  if (msg.from !== undefined && msg.seqno !== undefined) return `${Buffer.from(msg.from).toString('base64')}.${Buffer.from(msg.seqno).toString('base64')}`
  // Unsigned messages are rejected after this check; hash them only so that they get an id.
  return createHash('sha1')
    .update(msg.data ?? new Uint8Array())
    .digest('base64')
}
