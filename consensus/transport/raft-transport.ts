import { EventEmitter } from 'node:events'
import type { Connection, Libp2p, PeerId, Stream } from '@libp2p/interface'
import type { Logger } from 'pino'
import type { Startable } from '../../lib/startable.js'
import type { Message, NodeId } from '../core/types.js'
import { NONE } from '../core/types.js'
import { readInbound } from './inbound-stream.js'
import { PeerSender } from './peer-sender.js'
import type { PeerSenderInit } from './peer-sender.js'
import { DEFAULT_MAX_FRAME_BYTES, MAX_BATCH_MESSAGES, RAFT_PROTOCOL } from './raft-protocol.js'
import { emptyStats } from './transport-stats.js'
import type { TransportStats } from './transport-stats.js'

export interface RaftTransportComponents {
  libp2p: Libp2p
  logger: Logger
}

export interface RaftTransportInit {
  /** Largest frame sent or accepted (default 16 MiB); a snapshot message must fit in one. */
  maxFrameBytes?: number
  /** Messages queued per peer before the oldest non-snapshot ones are dropped (default 4096, as etcd). */
  maxQueuedMessages?: number
  /** Messages per frame (default 8192). */
  maxBatchMessages?: number
  /** Time to open a stream to a peer, connection included (default 2000 ms). */
  dialTimeoutMs?: number
  /** Time a peer may leave a frame unread before its stream is reset (default 10 000 ms). */
  writeTimeoutMs?: number
  /** First wait before re-dialling a peer after a failure, doubling per failure (default 50 ms). */
  reconnectBackoffMs?: number
  maxReconnectBackoffMs?: number
}

/** Typed events, after js-libp2p's `noun:verb` names. */
export interface RaftTransportEvents {
  /** Messages from `from`, already checked to be from that authenticated peer and addressed to us. */
  'messages:received': [messages: Message[], from: PeerId]
  /** A dial or write to `peer` failed: the driver calls RawNode.reportUnreachable(peer). */
  'peer:unreachable': [peer: NodeId]
  /** A snapshot message was written to `peer`'s stream, or lost: the driver calls reportSnapshot. */
  'snapshot:status': [peer: NodeId, index: number, ok: boolean]
}

/**
 * The Raft transport over libp2p protocol /shoal/raft/1: one long-lived outbound stream per peer
 * with a bounded, batching queue (see PeerSender), and a reader per inbound stream.
 */
export class RaftTransport extends EventEmitter<RaftTransportEvents> implements Startable {
  private readonly senders = new Map<NodeId, PeerSender>()
  private readonly inbound = new Set<Stream>()
  private readonly counters = emptyStats()
  private readonly senderInit: PeerSenderInit
  private readonly log: Logger
  private started = false

  constructor(
    private readonly components: RaftTransportComponents,
    init: RaftTransportInit = {},
  ) {
    super()
    this.log = components.logger.child({ component: 'raft-transport' })
    this.senderInit = {
      maxFrameBytes: init.maxFrameBytes ?? DEFAULT_MAX_FRAME_BYTES,
      maxQueuedMessages: init.maxQueuedMessages ?? 4096,
      maxBatchMessages: Math.min(init.maxBatchMessages ?? MAX_BATCH_MESSAGES, MAX_BATCH_MESSAGES),
      dialTimeoutMs: init.dialTimeoutMs ?? 2000,
      writeTimeoutMs: init.writeTimeoutMs ?? 10_000,
      reconnectBackoffMs: init.reconnectBackoffMs ?? 50,
      maxReconnectBackoffMs: init.maxReconnectBackoffMs ?? 1000,
    }
  }

  async start(): Promise<void> {
    if (this.started) return
    await this.components.libp2p.handle(RAFT_PROTOCOL, (stream, connection) => this.accept(stream, connection))
    this.started = true
  }

  async stop(): Promise<void> {
    if (!this.started) return
    this.started = false
    for (const sender of this.senders.values()) sender.stop()
    this.senders.clear()
    for (const stream of this.inbound) stream.abort(new Error('raft transport stopped'))
    this.inbound.clear()
    await this.components.libp2p.unhandle(RAFT_PROTOCOL)
  }

  /**
   * Queue messages for their destinations and return at once; delivery is best effort, as Raft
   * expects. Messages to ourselves or to no one are dropped; so is everything before start().
   */
  send(messages: readonly Message[]): void {
    if (!this.started) return
    const self = this.self()
    const byPeer = new Map<NodeId, Message[]>()
    for (const m of messages) {
      if (m.to === self || m.to === NONE) {
        this.log.warn({ type: m.type, to: m.to }, 'raft message not for a remote peer; dropped')
        this.counters.messagesDropped++
        continue
      }
      const group = byPeer.get(m.to)
      if (group) group.push(m)
      else byPeer.set(m.to, [m])
    }
    for (const [peer, group] of byPeer) this.sender(peer).enqueue(group)
  }

  /** Forget a peer that left the cluster: close its stream and drop its queue. */
  removePeer(peer: NodeId): void {
    this.senders.get(peer)?.stop()
    this.senders.delete(peer)
  }

  stats(): TransportStats {
    return { ...this.counters }
  }

  private self(): NodeId {
    return this.components.libp2p.peerId.toString()
  }

  private sender(peer: NodeId): PeerSender {
    let s = this.senders.get(peer)
    if (s === undefined) {
      s = new PeerSender(
        peer,
        {
          libp2p: this.components.libp2p,
          logger: this.log,
          stats: this.counters,
          reports: {
            unreachable: (p) => this.safely('peer:unreachable', () => this.emit('peer:unreachable', p)),
            snapshotStatus: (p, index, ok) => this.safely('snapshot:status', () => this.emit('snapshot:status', p, index, ok)),
          },
        },
        this.senderInit,
      )
      this.senders.set(peer, s)
    }
    return s
  }

  private accept(stream: Stream, connection: Connection): void {
    this.inbound.add(stream)
    void readInbound(stream, connection.remotePeer, this.self(), this.senderInit.maxFrameBytes, {
      logger: this.log,
      stats: this.counters,
      deliver: (messages, from) => this.deliver(messages, from),
    }).finally(() => this.inbound.delete(stream))
  }

  private deliver(messages: Message[], from: PeerId): void {
    this.safely('messages:received', () => this.emit('messages:received', messages, from))
  }

  /** A listener's bug must not break a stream or a sender's pump. */
  private safely(event: keyof RaftTransportEvents, emit: () => void): void {
    try {
      emit()
    } catch (err) {
      this.log.error({ err, event }, 'raft transport listener threw')
    }
  }
}
