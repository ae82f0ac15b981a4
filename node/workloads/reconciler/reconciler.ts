import { deepEqual } from '../../../crdt/model/json.js'
import type { ObjectStore } from '../../../crdt/index.js'
import { SerialRunner } from '../../../lib/serial-runner.js'
import type { Startable } from '../../../lib/startable.js'
import type { AllocationTable } from '../../allocation/allocation-table.js'
import type { Binding } from '../../allocation/commands.js'
import type { Logger } from '../../logger.js'
import type { Container, Pod, PodStatus } from '../../objects/pod.js'
import { pickRuntime } from '../../runtime/detect.js'
import { specHash } from '../../runtime/labels.js'
import type { ContainerInfo, ContainerRuntime, RuntimeName } from '../../runtime/types.js'
import type { EventSink } from '../events/event-sink.js'
import { podRef } from '../events/event-sink.js'
import type { ContainerAction } from './container-plan.js'
import { planContainers } from './container-plan.js'
import type { NodeFacts } from './container-env.js'
import { containerSpecFor } from './container-env.js'
import { podStatusFor } from './pod-status.js'
import { ProbeManager } from '../probes/probe-manager.js'
import type { BackoffPolicy } from './restart-tracker.js'
import { RestartTracker } from './restart-tracker.js'

export interface ReconcilerComponents {
  store: ObjectStore
  allocations: AllocationTable
  runtimes: ContainerRuntime[]
  events: EventSink
  logger: Logger
  /** This node: its peer id, name and IP. */
  self: { id: string } & NodeFacts
}

export interface ReconcilerInit {
  resyncMs?: number
  backoff?: Partial<BackoffPolicy>
  /** Grace for containers of pods whose object is gone and whose spec was never seen. */
  defaultGraceSeconds?: number
  /** Scales probe periods and delays (tests speed them up). */
  probeTimeScale?: number
  now?: () => number
}

interface Desired {
  pod: Pod
  binding: Binding
  runtime: ContainerRuntime
}

/**
 * Runs on every node: makes the runtimes run exactly the pods the committed allocation table binds
 * to this node, with the specs from the object store, and writes their status back. A container
 * for a pod that is no longer bound here is stopped — that is the fencing that keeps a node cut
 * off by a partition from running a replica that was rescheduled elsewhere.
 */
export class Reconciler implements Startable {
  private timer: NodeJS.Timeout | undefined
  private stopped = true
  private readonly runner: SerialRunner
  private readonly busy = new Set<string>()
  private readonly waiting = new Map<string, Map<string, { reason: string; message?: string }>>()
  private readonly graceOf = new Map<string, number>()
  private readonly restarts: RestartTracker
  private readonly now: () => number
  private unsubscribes: Array<() => void> = []
  /** Health probes for the containers this node runs; readiness feeds the pod's Ready condition. */
  readonly probes: ProbeManager

  constructor(
    private readonly components: ReconcilerComponents,
    private readonly init: ReconcilerInit = {},
  ) {
    this.restarts = new RestartTracker({ baseMs: init.backoff?.baseMs ?? 1000, maxMs: init.backoff?.maxMs ?? 60_000, resetAfterMs: init.backoff?.resetAfterMs ?? 30_000 })
    this.now = init.now ?? Date.now
    this.runner = new SerialRunner(
      () => this.sync(),
      (err) => components.logger.error({ err }, 'reconcile failed'),
    )
    this.probes = new ProbeManager(
      { logger: components.logger.child({ component: 'probes' }), events: components.events },
      {
        defaultHost: components.self.ip,
        ...(init.probeTimeScale !== undefined ? { timeScale: init.probeTimeScale } : {}),
        onUnhealthy: (podUid, containerId) => void this.killUnhealthy(podUid, containerId),
        onChange: () => this.trigger(),
      },
    )
  }

  start(): void {
    this.stopped = false
    this.runner.enable()
    this.probes.start()
    const { allocations, store, self } = this.components
    this.unsubscribes = [
      allocations.subscribe((c) => {
        if (c.bound.some((b) => b.nodeId === self.id) || c.unbound.some((b) => b.nodeId === self.id)) this.trigger()
      }),
      store.subscribe('pods', {}, () => this.trigger()),
    ]
    this.timer = setInterval(() => this.trigger(), this.init.resyncMs ?? 1000)
    this.trigger()
  }

  async stop(): Promise<void> {
    this.stopped = true
    clearInterval(this.timer)
    for (const u of this.unsubscribes) u()
    await this.runner.disable()
    await this.probes.stop()
  }

  /** Run a sync soon; syncs never overlap. */
  trigger(): void {
    if (!this.stopped) this.runner.trigger()
  }

  private async sync(): Promise<void> {
    const actual = await this.listAll()
    const desired = this.desired()
    await this.fence(actual, desired)
    // Probes first, so the statuses written below carry this round's readiness.
    this.probes.sync(
      [...desired.values()].map((d) => ({
        pod: d.pod,
        binding: d.binding,
        containers: actual
          .filter((c) => c.podUid === d.binding.podUid)
          .map((c) => ({ name: c.containerName, id: c.id, runtime: d.runtime, running: c.state === 'running', ...(c.startedAt !== undefined ? { startedAt: c.startedAt } : {}) })),
      })),
    )
    for (const [uid, d] of desired) {
      if (this.busy.has(uid)) continue
      const mine = actual.filter((c) => c.podUid === uid)
      this.restarts.seed(uid, d.pod.status?.observedBy === this.components.self.id ? d.pod.status : undefined)
      for (const c of mine) if (c.state === 'exited') this.restarts.observeExit(uid, c)
      const actions = planContainers({
        containers: d.pod.spec.containers,
        restartPolicy: d.pod.spec.restartPolicy ?? 'Always',
        actual: mine,
        desiredHash: (container) => specHash(containerSpecFor(d.pod, container, d.binding, this.components.self)),
        restarts: this.restarts.restartStates(uid),
        now: this.now(),
      })
      this.graceOf.set(uid, d.pod.spec.terminationGracePeriodSeconds ?? 30)
      if (actions.some((a) => a.type !== 'wait')) this.execute(uid, d, actions)
      else this.markWaits(uid, d, actions)
      await this.writeStatus(d, mine)
    }
  }

  private async listAll(): Promise<ContainerInfo[]> {
    const lists = await Promise.all(this.components.runtimes.map((r) => r.list().catch(() => [] as ContainerInfo[])))
    return lists.flat()
  }

  /** Pods bound here whose object (same uid) exists in the store. */
  private desired(): Map<string, Desired> {
    const { allocations, store, self, runtimes } = this.components
    const out = new Map<string, Desired>()
    const offered = runtimes.map((r) => r.name)
    for (const binding of allocations.onNode(self.id)) {
      const pod = store.get('pods', binding.namespace, binding.name) as unknown as Pod | undefined
      if (pod === undefined || pod.metadata.uid !== binding.podUid || pod.metadata.deletionTimestamp !== undefined) continue
      const name: RuntimeName | undefined = (binding.runtime as RuntimeName | undefined) ?? pickRuntime(offered, pod.spec)
      const runtime = runtimes.find((r) => r.name === name)
      if (runtime === undefined) continue
      out.set(binding.podUid, { pod, binding, runtime })
    }
    return out
  }

  /** Stop and remove every container whose pod is not desired here any more. */
  private async fence(actual: ContainerInfo[], desired: Map<string, Desired>): Promise<void> {
    const orphans = actual.filter((c) => !desired.has(c.podUid) && !this.busy.has(c.podUid))
    const byPod = new Map<string, ContainerInfo[]>()
    for (const c of orphans) byPod.set(c.podUid, [...(byPod.get(c.podUid) ?? []), c])
    for (const [uid, containers] of byPod) {
      this.busy.add(uid)
      void this.teardown(uid, containers).finally(() => {
        this.busy.delete(uid)
        this.trigger()
      })
    }
    for (const uid of this.restarts.tracked()) if (!desired.has(uid) && !byPod.has(uid)) this.forget(uid)
  }

  private async teardown(uid: string, containers: ContainerInfo[]): Promise<void> {
    const grace = this.graceOf.get(uid) ?? this.init.defaultGraceSeconds ?? 10
    const runtime = (c: ContainerInfo): ContainerRuntime | undefined => this.components.runtimes.find((r) => r.name === c.runtime)
    await Promise.all(
      containers.map(async (c) => {
        const rt = runtime(c)
        if (rt === undefined) return
        if (c.state === 'running') {
          this.components.events.record({ kind: 'Pod', namespace: c.namespace, name: c.podName, uid }, 'Normal', 'Killing', `Stopping container ${c.containerName}`)
          await rt.terminate(c.id, grace).catch((err: unknown) => this.components.logger.warn({ err, container: c.id }, 'terminate failed'))
        }
        await rt.remove(c.id).catch((err: unknown) => this.components.logger.warn({ err, container: c.id }, 'remove failed'))
      }),
    )
    for (const rt of new Set(containers.map(runtime))) await rt?.removePod(uid).catch(() => undefined)
    this.components.logger.info({ pod: `${containers[0]?.namespace}/${containers[0]?.podName}`, containers: containers.length }, 'stopped a pod that is not bound here')
    this.forget(uid)
  }

  /** A failed liveness (or startup) probe: stop the container; the next sync restarts it. */
  private async killUnhealthy(podUid: string, containerId: string): Promise<void> {
    const all = await this.listAll()
    const c = all.find((x) => x.id === containerId && x.podUid === podUid)
    const rt = this.components.runtimes.find((r) => r.name === c?.runtime)
    if (c === undefined || rt === undefined || c.state !== 'running') return
    await rt.terminate(containerId, this.graceOf.get(podUid) ?? this.init.defaultGraceSeconds ?? 10).catch((err: unknown) => this.components.logger.warn({ err }, 'could not stop an unhealthy container'))
    this.trigger()
  }

  private forget(uid: string): void {
    this.restarts.forget(uid)
    this.waiting.delete(uid)
    this.graceOf.delete(uid)
  }

  private markWaits(uid: string, d: Desired, actions: ContainerAction[]): void {
    for (const a of actions) {
      if (a.type !== 'wait') continue
      const seconds = Math.ceil((a.until - this.now()) / 1000)
      const was = this.waiting.get(uid)?.get(a.container)?.reason
      this.setWaiting(uid, a.container, { reason: 'CrashLoopBackOff', message: `back-off ${seconds}s restarting failed container=${a.container}` })
      if (was !== 'CrashLoopBackOff') this.components.events.record(podRef(d.pod), 'Warning', 'BackOff', `Back-off restarting failed container ${a.container}`)
    }
  }

  private setWaiting(uid: string, container: string, w: { reason: string; message?: string } | undefined): void {
    let m = this.waiting.get(uid)
    if (m === undefined) {
      m = new Map()
      this.waiting.set(uid, m)
    }
    if (w === undefined) m.delete(container)
    else m.set(container, w)
  }

  /** Carry out one pod's actions in the background; the pod is skipped by syncs meanwhile. */
  private execute(uid: string, d: Desired, actions: ContainerAction[]): void {
    this.busy.add(uid)
    this.markWaits(uid, d, actions)
    void (async () => {
      for (const a of actions) {
        if (this.stopped) return
        await this.perform(uid, d, a)
      }
    })()
      .catch((err: unknown) => this.components.logger.error({ err, pod: d.pod.metadata.name }, 'pod actions failed'))
      .finally(() => {
        this.busy.delete(uid)
        this.trigger()
      })
  }

  private async perform(uid: string, d: Desired, a: ContainerAction): Promise<void> {
    const { events } = this.components
    const ref = podRef(d.pod)
    switch (a.type) {
      case 'terminate':
        events.record(ref, 'Normal', 'Killing', `Stopping container ${a.container}: ${a.reason}`)
        await d.runtime.terminate(a.id, d.pod.spec.terminationGracePeriodSeconds ?? 30)
        return
      case 'remove':
        await d.runtime.remove(a.id)
        return
      case 'wait':
        return
      case 'create':
        await this.create(uid, d, a.container, a.restart)
    }
  }

  private async create(uid: string, d: Desired, container: Container, restart: boolean): Promise<void> {
    const { events } = this.components
    const ref = podRef(d.pod)
    try {
      if (d.runtime.ensureImage !== undefined && container.image !== undefined) {
        this.setWaiting(uid, container.name, { reason: 'ContainerCreating' })
        let pulling = false
        await d.runtime.ensureImage(container.image, (p) => {
          if (pulling) return
          pulling = true
          this.setWaiting(uid, container.name, { reason: 'Pulling', message: p.status })
          events.record(ref, 'Normal', 'Pulling', `Pulling image "${container.image}"`)
        })
        if (pulling) events.record(ref, 'Normal', 'Pulled', `Successfully pulled image "${container.image}"`)
      }
      const spec = containerSpecFor(d.pod, container, d.binding, this.components.self)
      await d.runtime.create(spec)
      if (restart) this.restarts.restarted(uid, container.name)
      this.setWaiting(uid, container.name, undefined)
      events.record(ref, 'Normal', 'Started', `Started container ${container.name}`)
    } catch (err) {
      const reason = (err as Error).name === 'ImagePullError' || (err as Error).name === 'ImageNotFoundError' ? 'ErrImagePull' : 'CreateContainerError'
      this.setWaiting(uid, container.name, { reason, message: (err as Error).message })
      events.record(ref, 'Warning', 'Failed', `${reason}: ${(err as Error).message}`)
      this.components.logger.warn({ err, pod: d.pod.metadata.name, container: container.name }, 'could not start a container')
    }
  }

  private async writeStatus(d: Desired, mine: ContainerInfo[]): Promise<void> {
    const { store, self } = this.components
    const uid = d.binding.podUid
    const status: PodStatus = podStatusFor({
      pod: d.pod,
      binding: d.binding,
      selfId: self.id,
      hostIP: self.ip,
      actual: mine,
      history: this.restarts.history(uid),
      waiting: this.waiting.get(uid) ?? new Map(),
      ready: (c) => this.probes.ready(uid, c),
      previous: d.pod.status,
      now: new Date(this.now()).toISOString(),
    })
    if (deepEqual(status, d.pod.status ?? null)) return
    await store
      .updateStatus('pods', d.pod.metadata.namespace, d.pod.metadata.name, status as never, { expectedUid: uid })
      .catch((err: unknown) => this.components.logger.debug({ err, pod: d.pod.metadata.name }, 'pod status write skipped'))
  }
}
