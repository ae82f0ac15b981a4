import { setTimeout as delay } from 'node:timers/promises'
import type { Startable } from '../../../lib/startable.js'
import type { Logger } from '../../logger.js'

export interface CatchUpGateComponents {
  /**
   * Resolves once this node's allocation table holds every binding committed before the call (a
   * raft linearizable read); rejects when no leader confirms it in time.
   */
  catchUp: () => Promise<void>
  logger: Logger
  /** Called once when the gate opens. */
  onOpen: () => void
}

export interface CatchUpGateInit {
  /** Wait between attempts while no leader answers. Default 1 s. */
  retryMs?: number
  /** Warn once when still closed after this long (a node cut off at start). Default 10 s. */
  warnAfterMs?: number
  now?: () => number
}

/**
 * Opens once per start, when the local allocation table is known to be current. After a restart
 * raft rebuilds the table from its snapshot and re-applies the committed log only once it hears
 * a leader (or leads itself), so for a moment the table is stale: acting on it would fence pods
 * that are still bound here, or start a pod whose binding was released meanwhile. A node that
 * reaches no leader stays closed and keeps retrying; until then the reconciler leaves its
 * containers as they are (DESIGN: a node cut off keeps its pods until it learns they moved).
 */
export class CatchUpGate implements Startable {
  private isOpen = false
  private abort: AbortController | undefined
  private readonly now: () => number

  constructor(
    private readonly components: CatchUpGateComponents,
    private readonly init: CatchUpGateInit = {},
  ) {
    this.now = init.now ?? Date.now
  }

  get open(): boolean {
    return this.isOpen
  }

  start(): void {
    this.abort?.abort()
    this.isOpen = false
    this.abort = new AbortController()
    void this.run(this.abort.signal)
  }

  stop(): void {
    this.abort?.abort()
    this.abort = undefined
    // The next start catches up again: the table may have gone stale while stopped.
    this.isOpen = false
  }

  private async run(signal: AbortSignal): Promise<void> {
    const { catchUp, logger, onOpen } = this.components
    const started = this.now()
    let attempts = 0
    let warned = false
    logger.info('waiting for the allocation table to catch up with the raft leader before acting on bindings')
    while (!signal.aborted) {
      attempts++
      try {
        await catchUp()
        if (signal.aborted) return
        this.isOpen = true
        logger.info({ ms: this.now() - started, attempts }, 'allocation table caught up: reconciling bindings')
        onOpen()
        return
      } catch (err) {
        if (signal.aborted) return
        const waited = this.now() - started
        if (!warned && waited >= (this.init.warnAfterMs ?? 10_000)) {
          warned = true
          logger.warn({ err, ms: waited }, 'no raft leader confirms the allocation table: keeping running containers, starting and stopping none')
        } else {
          logger.debug({ err, attempts }, 'allocation table catch-up failed; retrying')
        }
      }
      await delay(this.init.retryMs ?? 1000, undefined, { signal }).catch(() => undefined)
    }
  }
}
