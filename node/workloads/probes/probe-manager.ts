import type { Startable } from '../../../lib/startable.js'
import type { Binding } from '../../allocation/commands.js'
import type { Logger } from '../../logger.js'
import type { Container, Pod } from '../../objects/pod.js'
import type { ContainerRuntime } from '../../runtime/types.js'
import type { EventSink } from '../events/event-sink.js'
import { podRef } from '../events/event-sink.js'
import { ContainerProbes } from './container-probes.js'
import type { ContainerProbeHooks } from './container-probes.js'
import type { ProbeKind, ProbeResult } from './probe-types.js'
import { probeLabel } from './probe-types.js'

export interface ProbeManagerComponents {
  logger: Logger
  events: EventSink
  /** Unused: each synced container names its runtime. Accepted so the node can pass its list. */
  runtimes?: ContainerRuntime[]
  /** Wall clock (epoch ms), against which containers' `startedAt` is read. */
  clock?: () => number
}

export interface ProbeManagerInit {
  /** Where probes without `host` connect: the node's IP, since pods use the host network. */
  defaultHost?: string
  /**
   * Multiplies every probe duration (initial delay, period, timeout). 1 in production; tests use
   * e.g. 0.02 so that `periodSeconds: 1` probes every 20 ms.
   */
  timeScale?: number
  /** A liveness (or startup) probe failed failureThreshold times; `reason` is the probe's message. */
  onUnhealthy?: (podUid: string, containerId: string, reason: string) => void
  /** Some container's readiness changed: time to rewrite pod status and endpoints. */
  onChange?: () => void
}

/** A container of a pod as the reconciler sees it: its current instance. */
export interface SyncedContainer {
  name: string
  /** The runtime's id of this instance; a restarted container has a new one. */
  id: string
  runtime: ContainerRuntime
  /** ISO 8601; initial delays count from it (from the first sync when absent). */
  startedAt?: string
  running: boolean
}

export interface SyncedPod {
  pod: Pod
  binding: Binding
  containers: SyncedContainer[]
}

/**
 * Runs the probes of the pods on this node (the kubelet's prober manager). The reconciler hands
 * over what runs after every reconcile; each running container instance gets its own probes, so
 * a restarted container starts again from not-ready with fresh counts, as in Kubernetes.
 */
export class ProbeManager implements Startable {
  private readonly probes = new Map<string, { fingerprint: string; probes: ContainerProbes }>()
  private readonly stopping = new Set<Promise<void>>()
  private readonly clock: () => number
  private active = false

  constructor(
    private readonly components: ProbeManagerComponents,
    private readonly init: ProbeManagerInit = {},
  ) {
    this.clock = components.clock ?? Date.now
  }

  start(): void {
    if (this.active) return
    this.active = true
    for (const entry of this.probes.values()) entry.probes.start()
  }

  async stop(): Promise<void> {
    this.active = false
    for (const entry of this.probes.values()) this.retire(entry.probes)
    this.probes.clear()
    await Promise.all([...this.stopping])
  }

  /** Whether the container passes its readiness (and startup) probes; false when not running. */
  ready(podUid: string, container: string): boolean {
    return this.probes.get(keyOf(podUid, container))?.probes.ready ?? false
  }

  /** Whether the container passed its startup probe (or has none); false when not running. */
  started(podUid: string, container: string): boolean {
    return this.probes.get(keyOf(podUid, container))?.probes.started ?? false
  }

  /** Probe exactly these pods' running containers from now on. */
  sync(pods: SyncedPod[]): void {
    const before = this.readySet()
    const seen = new Set<string>()
    for (const { pod, binding, containers } of pods) {
      for (const c of containers) {
        const spec = pod.spec.containers.find((s) => s.name === c.name)
        if (!c.running || spec === undefined) continue
        const key = keyOf(binding.podUid, c.name)
        if (seen.has(key)) continue // one running instance per container; a stray second one is not probed
        const fingerprint = `${c.id}\n${JSON.stringify([spec.startupProbe, spec.livenessProbe, spec.readinessProbe])}`
        seen.add(key)
        const existing = this.probes.get(key)
        if (existing?.fingerprint === fingerprint) continue
        if (existing !== undefined) this.retire(existing.probes)
        const probes = this.probesFor(pod, binding, spec, c)
        this.probes.set(key, { fingerprint, probes })
        if (this.active) probes.start()
      }
    }
    for (const [key, entry] of this.probes) {
      if (seen.has(key)) continue
      this.probes.delete(key)
      this.retire(entry.probes)
    }
    const after = this.readySet()
    if (before.size !== after.size || [...after].some((k) => !before.has(k))) this.changed()
  }

  private probesFor(pod: Pod, binding: Binding, container: Container, c: SyncedContainer): ContainerProbes {
    const started = c.startedAt === undefined ? Number.NaN : Date.parse(c.startedAt)
    return new ContainerProbes(
      {
        target: { binding, container, containerId: c.id, runtime: c.runtime, defaultHost: this.init.defaultHost ?? '127.0.0.1' },
        hooks: this.hooksFor(pod, binding.podUid, c),
        clock: this.clock,
      },
      { startedAtMs: Number.isNaN(started) ? this.clock() : started, timeScale: this.init.timeScale ?? 1 },
    )
  }

  private hooksFor(pod: Pod, podUid: string, c: SyncedContainer): ContainerProbeHooks {
    const { events, logger } = this.components
    const ref = podRef(pod)
    const failed = (kind: ProbeKind, result: ProbeResult): string => `${probeLabel(kind)} probe failed: ${result.message}`
    return {
      result: (kind, result) => {
        if (result.ok) return
        logger.debug({ pod: pod.metadata.name, container: c.name, probe: kind, message: result.message }, 'probe failed')
        events.record(ref, 'Warning', 'Unhealthy', failed(kind, result))
      },
      unhealthy: (kind, result) => {
        logger.info({ pod: pod.metadata.name, container: c.name, probe: kind, message: result.message }, 'container is unhealthy')
        events.record(ref, 'Normal', 'Killing', `Container ${c.name} failed ${kind} probe, will be restarted`)
        this.guard('onUnhealthy', () => this.init.onUnhealthy?.(podUid, c.id, failed(kind, result)))
      },
      readyChanged: () => this.changed(),
    }
  }

  private changed(): void {
    this.guard('onChange', () => this.init.onChange?.())
  }

  /** Callbacks belong to other components; a throw there must not stop a probe worker. */
  private guard(name: string, fn: () => void): void {
    try {
      fn()
    } catch (err) {
      this.components.logger.error({ err }, `probe ${name} callback failed`)
    }
  }

  private retire(probes: ContainerProbes): void {
    const done = probes.stop().finally(() => this.stopping.delete(done))
    this.stopping.add(done)
  }

  private readySet(): Set<string> {
    return new Set([...this.probes].filter(([, e]) => e.probes.ready).map(([k]) => k))
  }
}

function keyOf(podUid: string, container: string): string {
  return `${podUid}\u0000${container}`
}
