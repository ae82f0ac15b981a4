import { deepEqual } from '../../../crdt/model/json.js'
import type { ObjectStore } from '../../../crdt/index.js'
import { SerialRunner } from '../../../lib/serial-runner.js'
import type { Startable } from '../../../lib/startable.js'
import type { AllocationTable } from '../../allocation/allocation-table.js'
import type { Binding } from '../../allocation/commands.js'
import { isPodTerminal } from '../../controllers/index.js'
import type { Logger } from '../../logger.js'
import type { Container, Pod, PodStatus } from '../../objects/pod.js'
import { pickRuntime } from '../../runtime/detect.js'
import { specHash } from '../../runtime/labels.js'
import type { ContainerInfo, ContainerRuntime, RuntimeName } from '../../runtime/types.js'
import type { EventSink } from '../events/event-sink.js'
import { podRef } from '../events/event-sink.js'
import type { ContainerAction, RestartState } from './container-plan.js'
import { planContainers } from './container-plan.js'
import type { NodeFacts } from './container-env.js'
import { containerSpecFor } from './container-env.js'
import type { StarterComponents } from './container-starter.js'
import { startContainer } from './container-starter.js'
import { podStatusFor } from './pod-status.js'
import { CatchUpGate } from './catch-up-gate.js'
import { ProbeManager } from '../probes/probe-manager.js'
import type { BackoffPolicy } from './restart-tracker.js'
import { RestartTracker } from './restart-tracker.js'
import { StartBackoff } from './start-backoff.js'
import { WaitingStates } from './waiting-states.js'

export interface ReconcilerComponents {
  store: ObjectStore
  allocations: AllocationTable
  runtimes: ContainerRuntime[]
  events: EventSink
  logger: Logger
  /** This node: its peer id, name and IP. */
  self: { id: string } & NodeFacts
  /**
   * Resolves once the allocation table reflects every committed binding (a raft linearizable
   * read). Nothing is started or stopped before it has resolved once after start.
   */
  catchUp: () => Promise<void>
}

export interface ReconcilerInit {
  resyncMs?: number
  backoff?: Partial<BackoffPolicy>
  /** Grace for containers of pods whose object is gone and whose spec was never seen. */
  defaultGraceSeconds?: number
  /** Scales probe periods and delays (tests speed them up). */
  probeTimeScale?: number
  /** Wait between catch-up attempts while no raft leader answers. Default 1 s. */
  catchUpRetryMs?: number
  now?: () => number
}

interface Desired {
  pod: Pod
  binding: Binding
  runtime: ContainerRuntime
}

/** What the runtimes reported this round; a runtime whose list failed is in `failed`, not empty. */
interface Listing {
  actual: ContainerInfo[]
  failed: ReadonlySet<RuntimeName>
}

/**
 * Runs on every node: makes the runtimes run exactly the pods the committed allocation table binds
 * to this node, with the specs from the object store, and writes their status back. A container
 * for a pod that is no longer bound here is stopped — that is the fencing that keeps a node cut
 * off by a partition from running a replica that was rescheduled elsewhere.
 *
 * After each start it acts on nothing until the table is known current (CatchUpGate): until then
 * running containers keep running untouched — not even restarted when they exit — and nothing is
 * created, fenced, probed or written.
 */
export class Reconciler implements Startable {
  private timer: NodeJS.Timeout | undefined
  private stopped = true
  private readonly runner: SerialRunner
  private readonly busy = new Set<string>()
  private readonly waiting = new WaitingStates()
  private readonly graceOf = new Map<string, number>()
  private readonly restarts: RestartTracker
  /** Pull and create failures: retried with back-off, not on every sync. */
  private readonly startBackoff: StartBackoff
  private readonly starter: StarterComponents
  /** Each runtime's last successful list, for the probes of its pods while it fails to list. */
  private readonly lastListed = new Map<RuntimeName, ContainerInfo[]>()
  private readonly listFailing = new Set<RuntimeName>()
  private readonly now: () => number
  private unsubscribes: Array<() => void> = []
  private readonly gate: CatchUpGate
  /** Health probes for the containers this node runs; readiness feeds the pod's Ready condition. */
  readonly probes: ProbeManager

  constructor(
    private readonly components: ReconcilerComponents,
    private readonly init: ReconcilerInit = {},
  ) {
    this.restarts = new RestartTracker({ baseMs: init.backoff?.baseMs ?? 1000, maxMs: init.backoff?.maxMs ?? 60_000, resetAfterMs: init.backoff?.resetAfterMs ?? 30_000 })
    this.startBackoff = new StartBackoff({ baseMs: init.backoff?.baseMs ?? 1000, maxMs: init.backoff?.maxMs ?? 60_000 })
    this.now = init.now ?? Date.now
    this.starter = {
      events: components.events,
      logger: components.logger,
      self: components.self,
      waiting: this.waiting,
      backoff: this.startBackoff,
      now: () => this.now(),
      trigger: () => this.trigger(),
    }
    this.gate = new CatchUpGate(
      { catchUp: components.catchUp, logger: components.logger, onOpen: () => this.trigger() },
      { ...(init.catchUpRetryMs !== undefined ? { retryMs: init.catchUpRetryMs } : {}), ...(init.now !== undefined ? { now: init.now } : {}) },
    )
    this.runner = new SerialRunner(
      () => this.sync(),
      (err) => components.logger.error({ err }, 'reconcile failed'),
    )
    this.probes = new ProbeManager(
      { logger: components.logger.child({ part: 'probes' }), events: components.events },
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
    this.gate.start()
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
    this.gate.stop()
    clearInterval(this.timer)
    for (const u of this.unsubscribes) u()
    await this.runner.disable()
    await this.probes.stop()
  }

  /** Run a sync soon; syncs never overlap. */
  trigger(): void {
    if (!this.stopped) this.runner.trigger()
  }

  /** Whether the allocation table has caught up since start, so bindings are acted on. */
  get caughtUp(): boolean {
    return this.gate.open
  }

  private async sync(): Promise<void> {
    // A stale table would fence pods still bound here and start pods released meanwhile.
    if (!this.gate.open) return
    const listing = await this.listAll()
    const desired = this.desired()
    await this.fence(listing.actual, desired)
    // Probes first, so the statuses written below carry this round's readiness. A runtime that
    // failed to list keeps its pods' probes as they were rather than dropping them.
    const known = [...listing.actual, ...[...listing.failed].flatMap((r) => this.lastListed.get(r) ?? [])]
    this.probes.sync(
      [...desired.values()].map((d) => ({
        pod: d.pod,
        binding: d.binding,
        containers: known
          .filter((c) => c.podUid === d.binding.podUid)
          .map((c) => ({ name: c.containerName, id: c.id, runtime: d.runtime, running: c.state === 'running', ...(c.startedAt !== undefined ? { startedAt: c.startedAt } : {}) })),
      })),
    )
    for (const [uid, d] of desired) {
      // Without a list this round, "no containers" would be a guess: planning on it would start
      // duplicates and report the pod not ready. Wait for a list that answers.
      if (listing.failed.has(d.runtime.name)) continue
      const mine = listing.actual.filter((c) => c.podUid === uid)
      if (this.busy.has(uid)) {
        // Actions are under way (a pull may take minutes): keep the status current meanwhile.
        await this.writeStatus(d, mine)
        continue
      }
      this.restarts.seed(uid, d.pod.status?.observedBy === this.components.self.id ? d.pod.status : undefined)
      for (const c of mine) if (c.state === 'exited') this.restarts.observeExit(uid, c)
      const actions = planContainers({
        containers: d.pod.spec.containers,
        restartPolicy: d.pod.spec.restartPolicy ?? 'Always',
        actual: mine,
        desiredHash: (container) => specHash(containerSpecFor(d.pod, container, d.binding, this.components.self)),
        restarts: this.startWaits(uid),
        now: this.now(),
      })
      this.graceOf.set(uid, d.pod.spec.terminationGracePeriodSeconds ?? 30)
      if (actions.some((a) => a.type !== 'wait')) this.execute(uid, d, actions)
      else this.markWaits(uid, d, actions)
      await this.writeStatus(d, mine)
    }
  }

  /** Crash-loop back-off and start (pull/create) back-off together: the later one applies. */
  private startWaits(uid: string): Map<string, RestartState> {
    const waits = this.restarts.restartStates(uid)
    for (const [container, until] of this.startBackoff.waits(uid)) {
      const kind = this.startBackoff.get(uid, container)?.kind
      if (until > (waits.get(container)?.notBefore ?? 0)) waits.set(container, { notBefore: until, reason: kind === 'ErrImagePull' ? 'ImagePullBackOff' : 'CreateContainerError' })
    }
    return waits
  }

  private async listAll(): Promise<Listing> {
    const failed = new Set<RuntimeName>()
    const lists = await Promise.all(
      this.components.runtimes.map(async (r) => {
        try {
          const list = await r.list()
          this.lastListed.set(r.name, list)
          if (this.listFailing.delete(r.name)) this.components.logger.info({ runtime: r.name }, 'container runtime lists again')
          return list
        } catch (err) {
          failed.add(r.name)
          // Once per outage, not on every sync.
          if (!this.listFailing.has(r.name)) this.components.logger.warn({ err, runtime: r.name }, 'cannot list containers; leaving this runtime\'s pods as they are')
          this.listFailing.add(r.name)
          return []
        }
      }),
    )
    return { actual: lists.flat(), failed }
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

  /**
   * Stop and remove every container whose pod is not desired here any more. A pod that finished
   * here is the exception: the leader releases its binding, but its exited containers and their
   * logs stay until the pod is deleted, as the kubelet keeps a finished pod's containers.
   */
  private async fence(actual: ContainerInfo[], desired: Map<string, Desired>): Promise<void> {
    const orphans = actual.filter((c) => !desired.has(c.podUid) && !this.busy.has(c.podUid))
    const byPod = new Map<string, ContainerInfo[]>()
    for (const c of orphans) byPod.set(c.podUid, [...(byPod.get(c.podUid) ?? []), c])
    for (const [uid, containers] of byPod) {
      const keep = this.finishedHere(containers[0]!)
      // Nothing of a finished pod should run; if something does, stop it but keep its logs.
      if (keep && containers.every((c) => c.state !== 'running')) {
        byPod.delete(uid)
        continue
      }
      this.busy.add(uid)
      void this.teardown(uid, containers, keep).finally(() => {
        this.busy.delete(uid)
        this.trigger()
      })
    }
    for (const uid of this.restarts.tracked()) if (!desired.has(uid) && !byPod.has(uid)) this.forget(uid)
  }

  /** The container's pod still exists, finished, as reported by this node, and is bound nowhere. */
  private finishedHere(c: ContainerInfo): boolean {
    const { store, allocations, self } = this.components
    const pod = store.get('pods', c.namespace, c.podName) as unknown as Pod | undefined
    return pod !== undefined && pod.metadata.uid === c.podUid && pod.metadata.deletionTimestamp === undefined && isPodTerminal(pod) && pod.status?.observedBy === self.id && allocations.get(c.podUid) === undefined
  }

  private async teardown(uid: string, containers: ContainerInfo[], keep = false): Promise<void> {
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
        if (!keep) await rt.remove(c.id).catch((err: unknown) => this.components.logger.warn({ err, container: c.id }, 'remove failed'))
      }),
    )
    if (keep) return
    for (const rt of new Set(containers.map(runtime))) await rt?.removePod(uid).catch(() => undefined)
    this.components.logger.info({ pod: `${containers[0]?.namespace}/${containers[0]?.podName}`, containers: containers.length }, 'stopped a pod that is not bound here')
    this.forget(uid)
  }

  /** A failed liveness (or startup) probe: stop the container; the next sync restarts it. */
  private async killUnhealthy(podUid: string, containerId: string): Promise<void> {
    const all = (await this.listAll()).actual
    const c = all.find((x) => x.id === containerId && x.podUid === podUid)
    const rt = this.components.runtimes.find((r) => r.name === c?.runtime)
    if (c === undefined || rt === undefined || c.state !== 'running') return
    await rt.terminate(containerId, this.graceOf.get(podUid) ?? this.init.defaultGraceSeconds ?? 10).catch((err: unknown) => this.components.logger.warn({ err }, 'could not stop an unhealthy container'))
    this.trigger()
  }

  private forget(uid: string): void {
    this.restarts.forget(uid)
    this.startBackoff.forget(uid)
    this.waiting.forget(uid)
    this.graceOf.delete(uid)
  }

  /** Show why each waiting container waits, with a BackOff event when it starts waiting. */
  private markWaits(uid: string, d: Desired, actions: ContainerAction[]): void {
    for (const a of actions) {
      if (a.type !== 'wait') continue
      const was = this.waiting.get(uid, a.container)?.reason
      const ref = podRef(d.pod)
      if (a.reason === undefined || a.reason === 'CrashLoopBackOff') {
        const seconds = Math.ceil((a.until - this.now()) / 1000)
        this.waiting.set(uid, a.container, { reason: 'CrashLoopBackOff', message: `back-off ${seconds}s restarting failed container=${a.container}` })
        if (was !== 'CrashLoopBackOff') this.components.events.record(ref, 'Warning', 'BackOff', `Back-off restarting failed container ${a.container}`)
      } else if (a.reason === 'ImagePullBackOff') {
        // As the kubelet: ErrImagePull first (one status write), ImagePullBackOff while waiting.
        if (this.startBackoff.firstWait(uid, a.container) && was === 'ErrImagePull') continue
        const image = this.startBackoff.get(uid, a.container)?.image ?? ''
        this.waiting.set(uid, a.container, { reason: 'ImagePullBackOff', message: `Back-off pulling image "${image}"` })
        if (was !== 'ImagePullBackOff') this.components.events.record(ref, 'Normal', 'BackOff', `Back-off pulling image "${image}"`)
      }
      // CreateContainerError keeps the error's own message while it waits.
    }
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
    if ((await startContainer(this.starter, d, container)) && restart) this.restarts.restarted(uid, container.name)
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
      waiting: this.waiting.of(uid),
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
