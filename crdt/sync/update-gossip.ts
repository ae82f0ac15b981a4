import type { Logger } from 'pino'
import * as Y from 'yjs'
import type { Startable } from '../../lib/startable.js'
import { isLocalOrigin, PeerOrigin } from '../origin.js'
import { applyRemoteUpdate, decodeSyncMessage, encodeUpdate } from './sync-messages.js'

/** The gossipsub topic the agent wires `publish` and `receive` to. */
export const CRDT_TOPIC = 'shoal/crdt/1'

export interface UpdateGossipComponents {
  doc: Y.Doc
  logger: Logger
  /** Sends one message to every peer (gossipsub publish on CRDT_TOPIC). */
  publish(bytes: Uint8Array): Promise<void>
}

export interface UpdateGossipInit {
  /** Local updates are coalesced for this long before one message goes out. */
  flushDelayMs?: number
  /**
   * Largest update in one message (keep below gossipsub's maxInboundDataLength). A local change
   * larger than this is not gossiped; anti-entropy sync carries it instead.
   */
  maxUpdateBytes?: number
}

/**
 * Spreads this node's changes as y-protocols update messages: local updates are merged
 * (Y.mergeUpdates) and published within `flushDelayMs`. Received messages are validated, then
 * applied with the sender as PeerOrigin, so they are never gossiped again (gossipsub already
 * floods them). A lost message is repaired by the SyncService's anti-entropy.
 */
export class UpdateGossip implements Startable {
  private readonly log: Logger
  private readonly flushDelayMs: number
  private readonly maxUpdateBytes: number
  private pending: Uint8Array[] = []
  private pendingBytes = 0
  private timer: NodeJS.Timeout | undefined
  private running = false

  constructor(
    private readonly components: UpdateGossipComponents,
    init: UpdateGossipInit = {},
  ) {
    this.log = components.logger.child({ component: 'crdt-gossip' })
    this.flushDelayMs = init.flushDelayMs ?? 5
    this.maxUpdateBytes = init.maxUpdateBytes ?? 1024 * 1024
  }

  start(): void {
    this.running = true
    this.components.doc.on('update', this.onUpdate)
  }

  /** Stops listening and sends what is still pending. */
  async stop(): Promise<void> {
    this.running = false
    this.components.doc.off('update', this.onUpdate)
    await this.flush()
  }

  /**
   * Handle a message from `fromPeer`. Returns whether it was applied; a malformed or oversized
   * message is logged and dropped without touching the document. Never throws.
   */
  receive(bytes: Uint8Array, fromPeer: string): boolean {
    try {
      const message = decodeSyncMessage(bytes, { maxUpdateBytes: this.maxUpdateBytes })
      if (message.type !== 'update') {
        this.log.warn({ remotePeer: fromPeer, type: message.type }, 'dropped a gossip message that is not an update')
        return false
      }
      applyRemoteUpdate(this.components.doc, message.update, new PeerOrigin(fromPeer, 'gossip'))
      return true
    } catch (err) {
      this.log.warn({ err, remotePeer: fromPeer, bytes: bytes.byteLength }, 'dropped a malformed gossip message')
      return false
    }
  }

  /** Publish everything pending now. */
  async flush(): Promise<void> {
    clearTimeout(this.timer)
    this.timer = undefined
    const batches = this.batches()
    for (const batch of batches) {
      const update = batch.length === 1 ? batch[0]! : Y.mergeUpdates(batch)
      if (update.byteLength > this.maxUpdateBytes) {
        this.log.info({ bytes: update.byteLength }, 'a change is too large to gossip; anti-entropy will carry it')
        continue
      }
      try {
        await this.components.publish(encodeUpdate(update))
      } catch (err) {
        this.log.warn({ err, bytes: update.byteLength }, 'publishing an update failed; anti-entropy will repair')
      }
    }
  }

  private readonly onUpdate = (update: Uint8Array, origin: unknown): void => {
    if (!this.running || !isLocalOrigin(origin)) return
    this.pending.push(update)
    this.pendingBytes += update.byteLength
    // Flush early rather than build a message too large to send.
    if (this.pendingBytes >= this.maxUpdateBytes) void this.flush()
    else this.timer ??= setTimeout(() => void this.flush(), this.flushDelayMs)
  }

  /** Pending updates grouped so that each group's total stays under the message limit. */
  private batches(): Uint8Array[][] {
    const out: Uint8Array[][] = []
    let current: Uint8Array[] = []
    let size = 0
    for (const update of this.pending) {
      if (current.length > 0 && size + update.byteLength > this.maxUpdateBytes) {
        out.push(current)
        current = []
        size = 0
      }
      current.push(update)
      size += update.byteLength
    }
    if (current.length > 0) out.push(current)
    this.pending = []
    this.pendingBytes = 0
    return out
  }
}
