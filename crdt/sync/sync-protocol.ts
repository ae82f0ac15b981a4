import type { Libp2p, PeerId, Stream } from '@libp2p/interface'
import * as lp from 'it-length-prefixed'
import type { Logger } from 'pino'
import type * as Y from 'yjs'
import type { Startable } from '../../lib/startable.js'
import { PeerOrigin } from '../origin.js'
import type { MessageLimits } from './sync-messages.js'
import { DEFAULT_LIMITS } from './sync-messages.js'
import { SyncSession } from './sync-session.js'

/**
 * Wire format of `/shoal/sync/1`: one stream per exchange, both directions carrying
 * unsigned-varint length-prefixed frames, each frame one y-protocols sync message. Both sides
 * send step 1 at once, answer the peer's step 1 with step 2, and close their writable side when
 * both step 2s have crossed. A frame may be as large as the largest step 2 (a whole document for
 * a new node, 64 MiB by default); the per-type limits are checked after framing, so a state
 * vector or an update frame stays small. Anything malformed aborts the stream and is logged;
 * nothing from it is applied.
 */
export const SYNC_PROTOCOL = '/shoal/sync/1'

/** The part of libp2p the service uses. */
export type SyncHost = Pick<Libp2p, 'peerId' | 'handle' | 'unhandle' | 'dialProtocol' | 'getPeers' | 'addEventListener' | 'removeEventListener'>

export interface SyncServiceComponents {
  libp2p: SyncHost
  doc: Y.Doc
  logger: Logger
}

export interface SyncServiceInit extends MessageLimits {
  /** Sync with one random connected peer this often to repair lost gossip; 0 turns it off. */
  antiEntropyIntervalMs?: number
  /** A whole exchange must finish within this. */
  timeoutMs?: number
  /**
   * On a new connection the peer with the smaller id syncs at once; the other waits this long
   * and syncs only if no exchange with that peer happened meanwhile (one exchange, not two).
   */
  connectDelayMs?: number
  /** Run the exchange when a peer connects (default true). */
  syncOnConnect?: boolean
  random?: () => number
}

export interface SyncResult {
  peer: string
  /** Bytes of updates applied from the peer (0 when we were already up to date). */
  receivedBytes: number
  durationMs: number
}

interface ExchangeLimits {
  limits: MessageLimits
  maxFrameBytes: number
  signal: AbortSignal
}

async function sendFrame(stream: Stream, bytes: Uint8Array, opts: ExchangeLimits): Promise<void> {
  // it-length-prefixed refuses frames over 4 MiB unless told otherwise, on encode as on decode.
  if (!stream.send(lp.encode.single(bytes, { maxDataLength: opts.maxFrameBytes }))) await stream.onDrain({ signal: opts.signal })
}

/** Run one exchange over an open stream; resolves when both sides are done and closed. */
async function exchange(stream: Stream, session: SyncSession, opts: ExchangeLimits): Promise<void> {
  const onAbort = (): void => stream.abort(new Error('sync exchange timed out or was cancelled'))
  opts.signal.addEventListener('abort', onAbort, { once: true })
  try {
    // A large step 2 can arrive before we start reading; let it buffer instead of resetting the stream.
    stream.maxReadBufferLength = Math.max(stream.maxReadBufferLength, opts.maxFrameBytes * 2)
    await sendFrame(stream, session.open(), opts)
    for await (const frame of lp.decode(stream, { maxDataLength: opts.maxFrameBytes })) {
      const reply = session.receive(frame.subarray())
      if (reply !== undefined) await sendFrame(stream, reply, opts)
      if (session.done && stream.writeStatus === 'writable') await stream.close({ signal: opts.signal })
    }
    if (!session.done) throw new Error('the peer ended the exchange before both step 2s were sent')
  } catch (err) {
    stream.abort(err instanceof Error ? err : new Error(String(err)))
    throw err
  } finally {
    opts.signal.removeEventListener('abort', onAbort)
  }
}

/**
 * Runs the sync exchange with every newly connected peer, on demand with `syncWith`, and with a
 * random connected peer every `antiEntropyIntervalMs`. Updates from a peer are applied with a
 * PeerOrigin, so gossip never re-sends them.
 */
export class SyncService implements Startable {
  private readonly log: Logger
  private readonly interval: number
  private readonly timeoutMs: number
  private readonly connectDelayMs: number
  private readonly syncOnConnect: boolean
  private readonly random: () => number
  private readonly limits: Required<MessageLimits>
  private readonly inFlight = new Map<string, Promise<SyncResult>>()
  private readonly lastExchange = new Map<string, number>()
  private readonly timers = new Set<NodeJS.Timeout>()
  private controller = new AbortController()
  private running = false

  constructor(
    private readonly components: SyncServiceComponents,
    init: SyncServiceInit = {},
  ) {
    this.log = components.logger.child({ component: 'crdt-sync' })
    this.interval = init.antiEntropyIntervalMs ?? 10_000
    this.timeoutMs = init.timeoutMs ?? 60_000
    this.connectDelayMs = init.connectDelayMs ?? 500
    this.syncOnConnect = init.syncOnConnect ?? true
    this.random = init.random ?? Math.random
    this.limits = {
      maxStep1Bytes: init.maxStep1Bytes ?? DEFAULT_LIMITS.maxStep1Bytes,
      maxStep2Bytes: init.maxStep2Bytes ?? DEFAULT_LIMITS.maxStep2Bytes,
      maxUpdateBytes: init.maxUpdateBytes ?? DEFAULT_LIMITS.maxUpdateBytes,
    }
  }

  async start(): Promise<void> {
    this.controller = new AbortController()
    await this.components.libp2p.handle(SYNC_PROTOCOL, (stream, connection) => this.onInbound(stream, connection.remotePeer))
    if (this.syncOnConnect) this.components.libp2p.addEventListener('peer:connect', this.onConnect)
    if (this.interval > 0) this.every(this.interval, () => this.antiEntropy())
    this.running = true
  }

  async stop(): Promise<void> {
    this.running = false
    this.components.libp2p.removeEventListener('peer:connect', this.onConnect)
    for (const t of this.timers) clearTimeout(t)
    this.timers.clear()
    this.controller.abort()
    await this.components.libp2p.unhandle(SYNC_PROTOCOL)
    await Promise.allSettled([...this.inFlight.values()])
  }

  /** Exchange state with `peer` now (joining one already running). Rejects when the exchange fails. */
  syncWith(peer: PeerId): Promise<SyncResult> {
    const id = peer.toString()
    const running = this.inFlight.get(id)
    if (running !== undefined) return running
    const started = Date.now()
    const task = (async (): Promise<SyncResult> => {
      const signal = this.exchangeSignal()
      const stream = await this.components.libp2p.dialProtocol(peer, SYNC_PROTOCOL, { signal })
      return this.run(stream, id, started, signal)
    })()
    this.inFlight.set(id, task)
    void task.then(
      () => this.inFlight.delete(id),
      () => this.inFlight.delete(id),
    )
    return task
  }

  private async run(stream: Stream, peer: string, started: number, signal: AbortSignal): Promise<SyncResult> {
    this.lastExchange.set(peer, started)
    const session = new SyncSession(this.components.doc, new PeerOrigin(peer, 'sync'), this.limits)
    await exchange(stream, session, { limits: this.limits, maxFrameBytes: this.limits.maxStep2Bytes + 16, signal })
    const result = { peer, receivedBytes: session.receivedUpdateBytes, durationMs: Date.now() - started }
    // `remotePeer`, not `peer`: the agent binds `peer` to its own id on every line.
    this.log.debug({ remotePeer: peer, receivedBytes: result.receivedBytes, durationMs: result.durationMs }, 'synced with peer')
    return result
  }

  private async onInbound(stream: Stream, remote: PeerId): Promise<void> {
    const peer = remote.toString()
    try {
      await this.run(stream, peer, Date.now(), this.exchangeSignal())
    } catch (err) {
      this.log.warn({ err, remotePeer: peer }, 'inbound sync exchange failed')
    }
  }

  private readonly onConnect = (event: CustomEvent<PeerId>): void => {
    const peer = event.detail
    const id = peer.toString()
    const connectedAt = Date.now()
    const first = this.components.libp2p.peerId.toString() < id
    this.after(first ? 0 : this.connectDelayMs, () => {
      if (!first && (this.lastExchange.get(id) ?? 0) >= connectedAt) return
      this.background(peer, 'sync on connect failed')
    })
  }

  private antiEntropy(): void {
    const peers = this.components.libp2p.getPeers()
    if (peers.length === 0) return
    this.background(peers[Math.floor(this.random() * peers.length)]!, 'anti-entropy sync failed')
  }

  private background(peer: PeerId, failure: string): void {
    if (!this.running) return
    this.syncWith(peer).catch((err: unknown) => this.log.debug({ err, remotePeer: peer.toString() }, failure))
  }

  private exchangeSignal(): AbortSignal {
    return AbortSignal.any([this.controller.signal, AbortSignal.timeout(this.timeoutMs)])
  }

  private after(ms: number, fn: () => void): void {
    const t = setTimeout(() => {
      this.timers.delete(t)
      fn()
    }, ms)
    this.timers.add(t)
  }

  private every(ms: number, fn: () => void): void {
    this.after(ms, () => {
      fn()
      if (this.running) this.every(ms, fn)
    })
  }
}
