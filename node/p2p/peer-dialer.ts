import { connect } from 'node:net'
import type { Multiaddr } from '@multiformats/multiaddr'
import { multiaddr } from '@multiformats/multiaddr'
import type { Startable } from '../../lib/startable.js'
import type { AgentEventBus } from '../events.js'
import type { Logger } from '../logger.js'
import type { Host } from './host.js'
import type { LinkGater } from './link-gater.js'

export interface DialTarget {
  peerId?: string
  addrs: string[]
}

export class ClusterKeyMismatchError extends Error {
  override name = 'ClusterKeyMismatchError'
}

export interface PeerDialerComponents {
  host: Host
  logger: Logger
  events: AgentEventBus
  gater: LinkGater
  /** Members worth a connection (from membership); the dialer keeps a full mesh to them. */
  knownPeers: () => DialTarget[]
}

export interface PeerDialerInit {
  /** Seeds to join through: --join targets, or the peers remembered from the last run. */
  join: Multiaddr[]
  maintainIntervalMs?: number
  minBackoffMs?: number
  maxBackoffMs?: number
  /** Rounds of handshake failures (and no success) before the join is declared rejected. */
  mismatchRounds?: number
  /** Per-attempt dial timeout while joining; a LAN handshake takes milliseconds. */
  joinDialTimeoutMs?: number
  /**
   * Give up with 'join:rejected' when seeds keep failing the handshake (default true). Only for
   * seeds the user named: a remembered peer that fails it has moved on (its address now belongs
   * to something else), which says nothing about this node's key, so the node keeps running.
   */
  rejectOnKeyMismatch?: boolean
}

/** Rounds of failed join attempts logged as warnings before the dialer goes quiet. */
const QUIET_AFTER_ROUNDS = 5

interface Backoff {
  next: number
  delay: number
}

/**
 * Joins the cluster through seed addresses with exponential backoff, then keeps a connection to
 * every known member: that is what lets gossip and Raft flow again after a partition heals or a
 * peer restarts. A seed that accepts TCP but fails the private-network handshake almost always
 * means a different cluster key; after a few such rounds the join is rejected loudly instead of
 * retrying forever in silence.
 */
export class PeerDialer implements Startable {
  private running = false
  private joined = false
  private timer: NodeJS.Timeout | undefined
  private readonly backoff = new Map<string, Backoff>()
  private readonly inFlight = new Set<string>()
  private seedRetry = { next: 0, delay: 0 }

  constructor(
    private readonly components: PeerDialerComponents,
    private readonly init: PeerDialerInit,
  ) {}

  get hasJoined(): boolean {
    return this.joined
  }

  start(): void {
    this.running = true
    this.joined = this.init.join.length === 0
    if (!this.joined) void this.joinLoop()
    this.timer = setInterval(() => this.maintain(), this.init.maintainIntervalMs ?? 1000)
  }

  stop(): void {
    this.running = false
    clearInterval(this.timer)
  }

  private async joinLoop(): Promise<void> {
    const { logger } = this.components
    let delay = this.init.minBackoffMs ?? 250
    let mismatches = 0
    let round = 0
    while (this.running && !this.joined) {
      round++
      const timeout = this.init.joinDialTimeoutMs ?? 3000
      const results = await Promise.allSettled(this.init.join.map((ma) => this.components.host.dial(ma, { signal: AbortSignal.timeout(timeout) })))
      if (!this.running) return
      const ok = results.findIndex((r) => r.status === 'fulfilled')
      if (ok >= 0 || this.components.host.getConnections().length > 0) {
        this.joined = true
        const peer = ok >= 0 ? (results[ok] as PromiseFulfilledResult<{ remotePeer: { toString(): string } }>).value.remotePeer.toString() : ''
        logger.info({ via: ok >= 0 ? this.init.join[ok]!.toString() : 'inbound' }, 'joined the cluster')
        this.components.events.emit('join:connected', peer)
        return
      }
      const handshakeFailures: { target: string }[] = []
      for (const [i, r] of results.entries()) {
        if (r.status === 'rejected' && (await isHandshakeFailure(r.reason, this.init.join[i]!))) {
          handshakeFailures.push({ target: this.init.join[i]!.toString() })
        }
      }
      // Remembered peers may be gone for good while this node keeps serving: say so a few times,
      // then keep trying quietly instead of filling the log every few seconds.
      const level = round <= QUIET_AFTER_ROUNDS ? 'warn' : 'debug'
      for (const [i, r] of results.entries()) {
        if (r.status === 'rejected') logger[level]({ target: this.init.join[i]!.toString(), err: describe(r.reason) }, 'join attempt failed')
      }
      if (round === QUIET_AFTER_ROUNDS) logger.info('no seed answers yet; still trying in the background (failures now logged at debug)')
      if (handshakeFailures.length > 0 && this.init.rejectOnKeyMismatch === false) {
        logger[level]({ targets: handshakeFailures.map((f) => f.target) }, 'a remembered peer answered but failed the encrypted handshake; it is no longer in this cluster')
      } else if (handshakeFailures.length > 0) {
        mismatches++
        logger.error(
          { targets: handshakeFailures.map((f) => f.target) },
          'the peer answered but the encrypted handshake failed: the cluster key probably differs from the cluster\'s',
        )
        if (mismatches >= (this.init.mismatchRounds ?? 2)) {
          const err = new ClusterKeyMismatchError(
            `cannot join the cluster at ${handshakeFailures.map((f) => f.target).join(', ')}: the private-network handshake failed, so this node's cluster key does not match that cluster's (check --cluster-key / SHOAL_CLUSTER_KEY)`,
          )
          this.components.events.emit('join:rejected', err)
          return
        }
      } else mismatches = 0
      await sleep(delay)
      delay = Math.min(delay * 2, this.init.maxBackoffMs ?? 5000)
    }
  }

  private retrySeedsWhenAlone(now: number): void {
    const { host } = this.components
    if (!this.joined || this.init.join.length === 0) return
    if (host.getConnections().length > 0) {
      this.seedRetry = { next: 0, delay: 0 }
      return
    }
    if (now < this.seedRetry.next) return
    const delay = nextSeedRetry(this.seedRetry.delay, this.init.maxBackoffMs ?? 5000)
    this.seedRetry = { next: now + delay, delay }
    for (const ma of this.init.join) host.dial(ma, { signal: AbortSignal.timeout(this.init.joinDialTimeoutMs ?? 3000) }).catch(() => undefined)
  }

  private maintain(): void {
    if (!this.running) return
    const { host, gater } = this.components
    const now = Date.now()
    this.retrySeedsWhenAlone(now)
    for (const target of this.components.knownPeers()) {
      const id = target.peerId
      if (id === undefined || id === host.peerId.toString() || gater.isBlocked(id) || this.inFlight.has(id)) continue
      if (host.getConnections().some((c) => c.remotePeer.toString() === id)) {
        this.backoff.delete(id)
        continue
      }
      const b = this.backoff.get(id) ?? { next: 0, delay: this.init.minBackoffMs ?? 250 }
      if (now < b.next) continue
      const addrs = target.addrs.map((a) => (a.includes('/p2p/') ? a : `${a}/p2p/${id}`))
      if (addrs.length === 0) continue
      this.inFlight.add(id)
      host
        .dial(addrs.map((a) => multiaddr(a)))
        .then(() => this.backoff.delete(id))
        .catch(() => {
          this.backoff.set(id, { next: Date.now() + b.delay, delay: Math.min(b.delay * 2, this.init.maxBackoffMs ?? 5000) })
        })
        .finally(() => this.inFlight.delete(id))
    }
  }
}

/**
 * A node with no connection at all may only know stale member addresses (say, every peer
 * restarted while it was cut off); its seeds — the --join targets or remembered peers — are the
 * addresses most likely to still be right, so it keeps trying them with backoff.
 */
export function nextSeedRetry(previousDelay: number, maxBackoffMs: number): number {
  return Math.min(Math.max(previousDelay * 2, 1000), maxBackoffMs)
}

/**
 * A dial whose TCP connect succeeds but whose encrypted handshake fails or stalls. With a wrong
 * private-network key both sides read noise as garbage, so the handshake usually just times out;
 * a raw TCP probe tells that apart from a peer that is not there at all. libp2p does not export
 * its error classes, hence the check by name.
 */
async function isHandshakeFailure(err: unknown, target: Multiaddr): Promise<boolean> {
  const errors = err instanceof AggregateError ? err.errors : [err]
  const names = errors.map((e: unknown) => (e instanceof Error ? e.name : ''))
  if (names.some((n) => n === 'EncryptionFailedError' || n === 'InvalidCryptoExchangeError')) return true
  if (!names.some((n) => n === 'TimeoutError' || n === 'AbortError')) return false
  return tcpAnswers(target)
}

function tcpAnswers(target: Multiaddr): Promise<boolean> {
  const parts = target.toString().split('/')
  if (parts[3] !== 'tcp') return Promise.resolve(false)
  return new Promise((resolve) => {
    const socket = connect({ host: parts[2]!, port: Number(parts[4]), timeout: 1000 })
    const done = (ok: boolean): void => {
      socket.destroy()
      resolve(ok)
    }
    socket.once('connect', () => done(true))
    socket.once('error', () => done(false))
    socket.once('timeout', () => done(false))
  })
}

function describe(err: unknown): string {
  if (err instanceof AggregateError) return err.errors.map(describe).join('; ')
  return err instanceof Error ? `${err.name}: ${err.message}` : String(err)
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms))
}
