import type { ObjectStore } from '../../../crdt/index.js'
import { deepEqual } from '../../../crdt/model/json.js'
import type { RaftNode } from '../../../consensus/driver/raft-node.js'
import type { AllocationTable, BindResult } from '../../allocation/allocation-table.js'
import type { Binding } from '../../allocation/commands.js'
import { encodeCommand } from '../../allocation/commands.js'
import type { Logger } from '../../logger.js'
import type { Member } from '../../membership/member-table.js'
import type { Pod, PodStatus } from '../../objects/pod.js'
import { schedule } from '../../scheduler/index.js'
import type { Allocation, PlacementStrategy, SchedulerNode } from '../../scheduler/types.js'
import type { EventSink } from '../events/event-sink.js'
import { podRef } from '../events/event-sink.js'
import { LeaderLoop } from '../../leader/leader-loop.js'
import { HOSTNAME_LABEL, toPendingPod } from '../../controllers/index.js'

export interface SchedulingLoopComponents {
  store: ObjectStore
  allocations: AllocationTable
  raft: RaftNode
  members: () => Member[]
  events: EventSink
  logger: Logger
}

export interface SchedulingLoopInit {
  strategy?: PlacementStrategy
  /** Bindings per raft proposal. */
  batchSize?: number
  resyncMs?: number
  /**
   * A pod that stays unschedulable for the same reason gets its FailedScheduling event repeated
   * (its count bumped) at most this often; a new reason is reported at once. Default 30 s.
   */
  failureRepeatMs?: number
  now?: () => number
}

export function schedulerNodeOf(m: Member): SchedulerNode {
  const hb = m.heartbeat
  return {
    name: hb.peerId,
    ready: m.state === 'alive',
    runtimes: hb.runtimes,
    labels: { 'kubernetes.io/hostname': hb.name, ...hb.labels, [HOSTNAME_LABEL]: hb.name },
    allocatable: hb.allocatable,
    ...(hb.portRange !== undefined ? { portRange: hb.portRange } : {}),
  }
}

function isTerminal(pod: Pod): boolean {
  return pod.status?.phase === 'Succeeded' || pod.status?.phase === 'Failed'
}

/** Every port a service listens on: the proxy holds it on every node. */
function servicePortsOf(store: ObjectStore): number[] {
  const services = store.list('services').items as unknown as { spec?: { ports?: { port?: unknown }[] } }[]
  return services.flatMap((s) => (s.spec?.ports ?? []).map((p) => p.port)).filter((p): p is number => typeof p === 'number')
}

/**
 * The scheduler on the leader: pending pods (no committed binding) are placed by the pure
 * scheduler against the committed allocation table plus placements still in flight, and the
 * placements are committed through raft in batches. Pods that fit nowhere get a FailedScheduling
 * event and a PodScheduled=False condition that says why.
 */
export class SchedulingLoop extends LeaderLoop {
  private readonly inflight = new Map<string, Allocation>()
  /** The last FailedScheduling reported per pod uid, so an unchanged reason is not rewritten every round. */
  private readonly reported = new Map<string, { message: string; at: number }>()
  private readonly now: () => number
  private round = 0

  constructor(
    private readonly components: SchedulingLoopComponents,
    private readonly init: SchedulingLoopInit = {},
  ) {
    super(components.logger, init.resyncMs ?? 1000)
    this.now = init.now ?? Date.now
  }

  override async deactivate(): Promise<void> {
    await super.deactivate()
    this.reported.clear()
  }

  protected async run(): Promise<void> {
    const { store, allocations, raft, events } = this.components
    if (!raft.isReadyLeader) return
    const pods = (store.list('pods').items as unknown as Pod[]).filter(
      (p) => p.metadata.deletionTimestamp === undefined && !isTerminal(p) && allocations.get(p.metadata.uid ?? '') === undefined && !this.inflight.has(p.metadata.uid ?? ''),
    )
    const pendingUids = new Set(pods.map((p) => p.metadata.uid ?? ''))
    for (const uid of this.reported.keys()) if (!pendingUids.has(uid)) this.reported.delete(uid)
    if (pods.length === 0) return
    const members = this.components.members()
    const nodes = members.filter((m) => m.state !== 'left').map(schedulerNodeOf)
    const committed: Allocation[] = allocations.all().map((b) => ({
      podUid: b.podUid,
      node: b.nodeId,
      cpuMillis: b.cpuMillis,
      memoryBytes: b.memoryBytes,
      hostPorts: b.hostPorts,
      ...(b.ownerUid !== undefined ? { ownerUid: b.ownerUid } : {}),
    }))
    const plan = schedule(
      { nodes, allocations: [...committed, ...this.inflight.values()], pending: pods.map(toPendingPod), servicePorts: servicePortsOf(store) },
      { seed: raft.status().term * 1_000_003 + this.round++, strategy: this.init.strategy ?? 'spread' },
    )
    const byUid = new Map(pods.map((p) => [p.metadata.uid ?? '', p]))
    for (const f of plan.failures) {
      const pod = byUid.get(f.podUid)
      if (pod === undefined) continue
      this.reportFailure(pod, f.message)
      await this.markUnschedulable(pod, f.message)
    }
    const nameOf = new Map(members.map((m) => [m.heartbeat.peerId, m.heartbeat.name]))
    const bindings: Binding[] = plan.placements.map((p) => {
      const pod = byUid.get(p.podUid)!
      return {
        podUid: p.podUid,
        namespace: pod.metadata.namespace ?? 'default',
        name: pod.metadata.name,
        nodeId: p.node,
        nodeName: nameOf.get(p.node) ?? p.node,
        cpuMillis: p.cpuMillis,
        memoryBytes: p.memoryBytes,
        hostPorts: p.hostPorts,
        ports: p.ports,
        ...(p.ownerUid !== undefined ? { ownerUid: p.ownerUid } : {}),
        runtime: p.runtime,
      }
    })
    const size = this.init.batchSize ?? 500
    const batches: Binding[][] = []
    for (let i = 0; i < bindings.length; i += size) batches.push(bindings.slice(i, i + size))
    await Promise.all(batches.map((batch) => this.commit(batch, byUid)))
  }

  private async commit(batch: Binding[], pods: Map<string, Pod>): Promise<void> {
    for (const b of batch) this.inflight.set(b.podUid, { podUid: b.podUid, node: b.nodeId, cpuMillis: b.cpuMillis, memoryBytes: b.memoryBytes, hostPorts: b.hostPorts })
    try {
      const result = (await this.components.raft.propose(encodeCommand({ op: 'bind', bindings: batch }))) as BindResult
      for (const b of batch) {
        const pod = pods.get(b.podUid)
        if (pod === undefined) continue
        if (result.bound.includes(b.podUid)) this.components.events.record(podRef(pod), 'Normal', 'Scheduled', `Successfully assigned ${b.namespace}/${b.name} to ${b.nodeName}`)
        else this.logger.info({ pod: `${b.namespace}/${b.name}`, why: result.rejected[b.podUid] }, 'binding refused by the allocation table')
      }
      for (const b of batch) this.inflight.delete(b.podUid)
      // Refused bindings can be placed again at once, against the table that refused them.
      if (result.bound.length < batch.length) this.trigger()
    } catch (err) {
      // A proposal refused outright (a leadership transfer under way, no quorum) is retried on
      // the next resync rather than at once, which would only be refused again.
      for (const b of batch) this.inflight.delete(b.podUid)
      this.logger.debug({ err, pods: batch.length }, 'binding proposal failed; the pods stay pending')
    }
  }

  private reportFailure(pod: Pod, message: string): void {
    const uid = pod.metadata.uid ?? ''
    const now = this.now()
    const last = this.reported.get(uid)
    if (last !== undefined && last.message === message && now - last.at < (this.init.failureRepeatMs ?? 30_000)) return
    this.reported.set(uid, { message, at: now })
    this.components.events.record(podRef(pod), 'Warning', 'FailedScheduling', message)
  }

  /** Before a pod is bound, the scheduler owns its status; afterwards the node does. */
  private async markUnschedulable(pod: Pod, message: string): Promise<void> {
    const prev = pod.status?.conditions?.find((c) => c.type === 'PodScheduled')
    const status: PodStatus = {
      phase: 'Pending',
      conditions: [
        {
          type: 'PodScheduled',
          status: 'False',
          reason: 'Unschedulable',
          message,
          lastTransitionTime: prev?.status === 'False' && prev.lastTransitionTime !== undefined ? prev.lastTransitionTime : new Date().toISOString(),
        },
      ],
    }
    if (deepEqual(status, pod.status ?? null)) return
    await this.components.store
      .updateStatus('pods', pod.metadata.namespace, pod.metadata.name, status as never, { expectedUid: pod.metadata.uid ?? '' })
      .catch(() => undefined)
  }
}
