import type { Backend } from './proxy-config.js'

export interface BackendPoolInit {
  /**
   * How long a backend that refused or timed out is tried only after the others. The endpoints
   * of a dead pod linger until its node is declared down; without this, every round of the
   * rotation would pay one failed attempt (a full connect timeout when packets are dropped).
   */
  cooldownMs?: number
  now?: () => number
}

function addressOf(backend: Backend): string {
  return `${backend.host}:${backend.port}`
}

/** The backends of one service port, handed out round-robin with failing ones put last. */
export class BackendPool {
  private backends: Backend[] = []
  private turn = 0
  private readonly failedUntil = new Map<string, number>()
  private readonly cooldownMs: number
  private readonly now: () => number

  constructor(init: BackendPoolInit = {}) {
    this.cooldownMs = init.cooldownMs ?? 2000
    this.now = init.now ?? Date.now
  }

  get size(): number {
    return this.backends.length
  }

  /** Replaces the set; a backend that stays keeps its cooldown, a removed one forgets it. */
  set(backends: readonly Backend[]): void {
    this.backends = [...backends]
    const present = new Set(this.backends.map(addressOf))
    for (const address of this.failedUntil.keys()) if (!present.has(address)) this.failedUntil.delete(address)
  }

  /**
   * The order in which one new connection tries the backends: the healthy ones rotated by one
   * turn per connection (so they share the load evenly), then the cooling-down ones, which are
   * still worth a try when nothing else answers.
   */
  plan(): Backend[] {
    const now = this.now()
    const healthy: Backend[] = []
    const cooling: Backend[] = []
    for (const b of this.backends) ((this.failedUntil.get(addressOf(b)) ?? 0) > now ? cooling : healthy).push(b)
    if (healthy.length === 0) return cooling
    const start = this.turn++ % healthy.length
    return [...healthy.slice(start), ...healthy.slice(0, start), ...cooling]
  }

  markFailed(backend: Backend): void {
    if (this.cooldownMs > 0) this.failedUntil.set(addressOf(backend), this.now() + this.cooldownMs)
  }

  markHealthy(backend: Backend): void {
    this.failedUntil.delete(addressOf(backend))
  }
}
