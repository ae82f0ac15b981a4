import type { PeerId, Stream } from '@libp2p/interface'
import type { Logger } from 'pino'
import type { Message, NodeId } from '../core/types.js'
import { readBatches } from './raft-protocol.js'
import type { TransportStats } from './transport-stats.js'

export interface InboundComponents {
  logger: Logger
  stats: TransportStats
  /** Hand authenticated messages to the transport's listeners. */
  deliver(messages: Message[], from: PeerId): void
}

/**
 * Read one peer's inbound Raft stream until it ends. Messages must come from the authenticated
 * remote peer and be addressed to us; any other is dropped, so a peer cannot speak for another.
 * An oversized, truncated or undecodable frame closes the stream: framing is lost after it.
 */
export async function readInbound(stream: Stream, from: PeerId, self: NodeId, maxFrameBytes: number, c: InboundComponents): Promise<void> {
  const sender = from.toString()
  try {
    for await (const { messages, bytes } of readBatches(stream, maxFrameBytes)) {
      c.stats.framesReceived++
      c.stats.bytesReceived += bytes
      const accepted = messages.filter((m) => m.from === sender && m.to === self)
      const rejected = messages.length - accepted.length
      if (rejected > 0) {
        c.stats.messagesRejected += rejected
        const odd = messages.find((m) => m.from !== sender || m.to !== self)!
        c.logger.warn({ remotePeer: sender, rejected, claimedFrom: odd.from, to: odd.to }, 'dropped raft messages not from the authenticated peer or not for us')
      }
      if (accepted.length === 0) continue
      c.stats.messagesReceived += accepted.length
      c.deliver(accepted, from)
    }
    await stream.close()
  } catch (err) {
    if (stream.status === 'open') {
      c.stats.badFrames++
      c.logger.warn({ remotePeer: sender, err }, 'closing raft stream after a bad frame')
      stream.abort(err instanceof Error ? err : new Error(String(err)))
    }
  }
}
