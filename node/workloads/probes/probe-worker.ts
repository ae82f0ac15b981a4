import type { Startable } from '../../../lib/startable.js'
import type { ProbeTiming } from './probe-timing.js'
import type { ProbeKind, ProbeResult } from './probe-types.js'
import { ResultStreak } from './result-streak.js'

export interface ProbeWorkerComponents {
  /** One run of the probe; must not throw (runProbe never does). */
  probe: (timeoutMs: number, signal: AbortSignal) => Promise<ProbeResult>
  /** Every result, for `Unhealthy` events on failures. */
  onResult: (result: ProbeResult) => void
  /** The thresholds settled on a new outcome; `result` is the run that settled it. */
  onOutcome: (ok: boolean, result: ProbeResult) => void
}

export interface ProbeWorkerInit {
  kind: ProbeKind
  timing: ProbeTiming
  /** How long from start() to the first run: what is left of initialDelaySeconds. */
  firstDelayMs: number
}

/**
 * Probes one container instance on a schedule (the kubelet's probe worker). Runs never overlap;
 * the next one starts a period after the previous one started, or at once if that took longer.
 * Readiness probes forever. Liveness and startup stop once they settle: a failed liveness or
 * startup probe waits for its container to be replaced (a new instance gets a new worker), and a
 * startup probe that passed is done.
 */
export class ProbeWorker implements Startable {
  private readonly streak: ResultStreak
  private timer: NodeJS.Timeout | undefined
  private inFlight: Promise<void> | undefined
  private controller = new AbortController()
  private active = false
  private done = false

  constructor(
    private readonly components: ProbeWorkerComponents,
    private readonly init: ProbeWorkerInit,
  ) {
    const initial = init.kind === 'liveness' ? true : init.kind === 'readiness' ? false : undefined
    this.streak = new ResultStreak(init.timing.successThreshold, init.timing.failureThreshold, initial)
  }

  /** The settled outcome: readiness starts false, liveness true, startup unknown. */
  get outcome(): boolean | undefined {
    return this.streak.outcome
  }

  start(): void {
    if (this.active || this.done) return
    this.active = true
    this.controller = new AbortController()
    this.schedule(this.init.firstDelayMs)
  }

  /** Cancels a run in flight (its result is dropped) and waits for it to wind down. */
  async stop(): Promise<void> {
    this.active = false
    clearTimeout(this.timer)
    this.timer = undefined
    this.controller.abort()
    await this.inFlight
  }

  private schedule(delayMs: number): void {
    this.timer = setTimeout(() => this.tick(), Math.max(0, delayMs))
  }

  private tick(): void {
    this.timer = undefined
    const began = performance.now()
    this.inFlight = this.runOnce().finally(() => {
      this.inFlight = undefined
      if (this.active && !this.done) this.schedule(began + this.init.timing.periodMs - performance.now())
    })
  }

  private async runOnce(): Promise<void> {
    const signal = this.controller.signal
    const result = await this.components.probe(this.init.timing.timeoutMs, signal)
    if (!this.active || signal.aborted) return
    const settled = this.streak.observe(result.ok)
    if (settled !== undefined && this.init.kind !== 'readiness') this.done = true
    this.components.onResult(result)
    if (settled !== undefined) this.components.onOutcome(settled, result)
  }
}
