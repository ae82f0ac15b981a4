import type { Libp2p, PeerId, Stream } from '@libp2p/interface'
import { peerIdFromString } from '@libp2p/peer-id'
import type { Logger } from 'pino'
import type { Uint8ArrayList } from 'uint8arraylist'
import type { Message, NodeId } from '../core/types.js'
import { encodeFrame, RAFT_PROTOCOL } from './raft-protocol.js'
import { SendQueue } from './send-queue.js'
import type { TransportStats } from './transport-stats.js'

/** What a sender tells the driver, through the transport's events. */
export interface SenderReports {
  unreachable(peer: NodeId): void
  snapshotStatus(peer: NodeId, index: number, ok: boolean): void
}

export interface PeerSenderComponents {
  libp2p: Libp2p
  logger: Logger
  reports: SenderReports
  stats: TransportStats
}

export interface PeerSenderInit {
  maxFrameBytes: number
  maxQueuedMessages: number
  maxBatchMessages: number
  dialTimeoutMs: number
  writeTimeoutMs: number
  reconnectBackoffMs: number
  maxReconnectBackoffMs: number
}

/** A frame could not be written within the write timeout: the peer stopped reading. */
export class WriteTimeoutError extends Error {
  override name = 'WriteTimeoutError'
  constructor(peer: NodeId, ms: number) {
    super(`raft stream to ${peer} accepted no data for ${ms} ms`)
  }
}

/**
 * The outbound half of the Raft link to one peer: a bounded queue and one long-lived stream,
 * opened lazily. A single pump drains the queue, one frame per turn, so everything queued while a
 * frame is in flight goes out together in the next one. After a failed dial or write the peer is
 * reported unreachable and the sender waits a growing backoff before dialling again.
 */
export class PeerSender {
  private readonly queue: SendQueue
  private readonly log: Logger
  private stream: Stream | undefined
  private pumping = false
  private retryTimer: ReturnType<typeof setTimeout> | undefined
  private backoffMs: number
  private stopped = false

  constructor(
    readonly peer: NodeId,
    private readonly components: PeerSenderComponents,
    private readonly init: PeerSenderInit,
  ) {
    this.queue = new SendQueue(init.maxQueuedMessages)
    this.log = components.logger.child({ remotePeer: peer })
    this.backoffMs = init.reconnectBackoffMs
  }

  enqueue(messages: readonly Message[]): void {
    if (this.stopped) return
    const before = this.queue.dropped
    this.queue.push(messages)
    this.components.stats.messagesDropped += this.queue.dropped - before
    this.kick()
  }

  stop(): void {
    this.stopped = true
    clearTimeout(this.retryTimer)
    this.retryTimer = undefined
    this.queue.clear()
    this.stream?.abort(new Error('raft transport stopped'))
    this.stream = undefined
  }

  private kick(): void {
    if (this.pumping || this.retryTimer !== undefined || this.stopped) return
    this.pumping = true
    void this.pump()
      .catch((err: unknown) => {
        // Unreachable unless a message is malformed beyond what the codec reports; drop what is
        // queued rather than retry the same failure forever.
        this.log.error({ err }, 'raft sender failed; dropping its queue')
        this.components.stats.messagesDropped += this.queue.clear().length
      })
      .finally(() => {
        this.pumping = false
        if (this.queue.length > 0) this.kick()
      })
  }

  private async pump(): Promise<void> {
    // Let messages sent in the same tick join the first frame.
    await Promise.resolve()
    while (!this.stopped && this.queue.length > 0 && this.retryTimer === undefined) {
      const stream = this.stream ?? (await this.dial())
      if (stream === undefined) return
      const { messages, sizeBound } = this.queue.take(this.init.maxFrameBytes, this.init.maxBatchMessages)
      let frame: Uint8ArrayList
      try {
        frame = encodeFrame(messages, this.init.maxFrameBytes, sizeBound)
      } catch (err) {
        // A message over the frame limit, or with fields the codec refuses: a bug upstream, not a
        // reason to stop the link. (take() fills frames by a size bound, so only one message is lost.)
        this.log.error({ err, types: messages.map((m) => m.type) }, 'raft messages cannot be framed; dropped')
        this.components.stats.messagesDropped += messages.length
        this.reportSnapshots(messages, false)
        continue
      }
      let timeout: AbortSignal | undefined
      try {
        if (!stream.send(frame)) {
          timeout = AbortSignal.timeout(this.init.writeTimeoutMs)
          await stream.onDrain({ signal: timeout })
        }
      } catch (err) {
        const reason = timeout?.aborted === true ? new WriteTimeoutError(this.peer, this.init.writeTimeoutMs) : err
        this.fail('write', reason, messages)
        stream.abort(reason instanceof Error ? reason : new Error(String(reason)))
        if (this.stream === stream) this.stream = undefined
        return
      }
      const stats = this.components.stats
      stats.framesSent++
      stats.messagesSent += messages.length
      stats.bytesSent += frame.byteLength
      this.backoffMs = this.init.reconnectBackoffMs
      this.reportSnapshots(messages, true)
    }
  }

  private async dial(): Promise<Stream | undefined> {
    try {
      const target: PeerId = peerIdFromString(this.peer)
      const stream = await this.components.libp2p.dialProtocol(target, RAFT_PROTOCOL, {
        signal: AbortSignal.timeout(this.init.dialTimeoutMs),
      })
      if (this.stopped) {
        stream.abort(new Error('raft transport stopped'))
        return undefined
      }
      stream.addEventListener('close', () => {
        if (this.stream === stream) this.stream = undefined
      })
      this.stream = stream
      this.log.debug('raft stream opened')
      return stream
    } catch (err) {
      // Whatever was queued is stale by the time the peer is back; Raft resends what matters.
      this.fail('dial', err, this.queue.clear())
      return undefined
    }
  }

  private fail(op: 'dial' | 'write', err: unknown, lost: readonly Message[]): void {
    if (this.stopped) return
    this.components.stats.sendFailures++
    this.components.stats.messagesDropped += lost.length
    this.log.debug({ err, op, lost: lost.length, retryInMs: this.backoffMs }, 'raft peer unreachable')
    this.reportSnapshots(lost, false)
    this.components.reports.unreachable(this.peer)
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined
      this.kick()
    }, this.backoffMs)
    this.backoffMs = Math.min(this.backoffMs * 2, this.init.maxReconnectBackoffMs)
  }

  private reportSnapshots(messages: readonly Message[], ok: boolean): void {
    for (const m of messages) {
      if (m.type === 'snap') this.components.reports.snapshotStatus(this.peer, m.snapshot?.metadata.index ?? 0, ok)
    }
  }
}
