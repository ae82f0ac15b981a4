import type { Startable } from '../../../lib/startable.js'
import type { Probe } from '../../objects/pod.js'
import { probeTiming } from './probe-timing.js'
import type { ProbeKind, ProbeResult, ProbeTarget } from './probe-types.js'
import { ProbeWorker } from './probe-worker.js'
import { runProbe } from './run-probe.js'

/** What a container's probes report to their manager; none of these may throw. */
export interface ContainerProbeHooks {
  result: (kind: ProbeKind, result: ProbeResult) => void
  /** A liveness probe, or a startup probe, failed failureThreshold times in a row. */
  unhealthy: (kind: ProbeKind, result: ProbeResult) => void
  /** `ready` changed. */
  readyChanged: () => void
}

export interface ContainerProbesComponents {
  target: ProbeTarget
  hooks: ContainerProbeHooks
  clock: () => number
}

export interface ContainerProbesInit {
  /** When the container started (epoch ms): initial delays count from here. */
  startedAtMs: number
  timeScale: number
}

/**
 * The probes of one running container instance and what they conclude. Until a startup probe
 * passes, the other two do not run and the container is neither started nor ready; a container
 * without a readiness probe is ready as soon as it has started.
 */
export class ContainerProbes implements Startable {
  private readonly workers = new Map<ProbeKind, ProbeWorker>()
  private startupPassed: boolean
  private active = false

  constructor(
    private readonly components: ContainerProbesComponents,
    private readonly init: ContainerProbesInit,
  ) {
    this.startupPassed = components.target.container.startupProbe === undefined
  }

  get started(): boolean {
    return this.startupPassed
  }

  get ready(): boolean {
    if (!this.startupPassed) return false
    return this.components.target.container.readinessProbe === undefined || this.workers.get('readiness')?.outcome === true
  }

  start(): void {
    if (this.active) return
    this.active = true
    if (!this.startupPassed) this.launch('startup')
    else this.launchMain()
  }

  async stop(): Promise<void> {
    this.active = false
    await Promise.all([...this.workers.values()].map((w) => w.stop()))
  }

  private launchMain(): void {
    this.launch('liveness')
    this.launch('readiness')
  }

  private launch(kind: ProbeKind): void {
    const probe = this.probeOf(kind)
    if (probe === undefined || !this.active) return
    const timing = probeTiming(kind, probe, this.init.timeScale)
    const { target, hooks, clock } = this.components
    const worker = new ProbeWorker(
      {
        probe: (timeoutMs, signal) => runProbe(probe, target, timeoutMs, signal),
        onResult: (result) => hooks.result(kind, result),
        onOutcome: (ok, result) => this.settled(kind, ok, result),
      },
      { kind, timing, firstDelayMs: this.init.startedAtMs + timing.initialDelayMs - clock() },
    )
    this.workers.set(kind, worker)
    worker.start()
  }

  private settled(kind: ProbeKind, ok: boolean, result: ProbeResult): void {
    const { hooks } = this.components
    if (!ok && kind !== 'readiness') return hooks.unhealthy(kind, result)
    if (kind === 'startup') {
      this.startupPassed = true
      this.launchMain()
    }
    // A readiness flip, or a startup pass that makes a container without readiness probe ready.
    if (kind === 'readiness' || this.probeOf('readiness') === undefined) hooks.readyChanged()
  }

  private probeOf(kind: ProbeKind): Probe | undefined {
    const c = this.components.target.container
    return kind === 'liveness' ? c.livenessProbe : kind === 'readiness' ? c.readinessProbe : c.startupProbe
  }
}
