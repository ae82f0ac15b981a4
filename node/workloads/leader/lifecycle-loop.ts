import type { RaftNode } from '../../../consensus/driver/raft-node.js'
import type { AllocationTable } from '../../allocation/allocation-table.js'
import { encodeCommand, TEST_HOOK_NAMESPACE } from '../../allocation/commands.js'
import type { LifecycleMemory, Unbind } from '../../controllers/index.js'
import { nodeLifecycle } from '../../controllers/index.js'
import type { Logger } from '../../logger.js'
import type { Member } from '../../membership/member-table.js'
import type { EventSink } from '../events/event-sink.js'
import { LeaderLoop } from '../../leader/leader-loop.js'

export interface LifecycleLoopComponents {
  allocations: AllocationTable
  raft: RaftNode
  members: () => Member[]
  events: EventSink
  logger: Logger
  /** A direct liveness check (libp2p ping); true when the node answers. */
  ping: (peerId: string) => Promise<boolean>
}

export interface LifecycleLoopInit {
  /** How long a node stays down before its pods are unbound. */
  rescheduleAfterMs?: number
  /**
   * How long a node that left gracefully stays away before its pods are unbound (at least
   * rescheduleAfterMs): time for an agent restart to come back and adopt them. Default 15 s.
   */
  rescheduleLeftAfterMs?: number
  resyncMs?: number
  now?: () => number
}

/**
 * Node lifecycle on the leader: applies nodeLifecycle's decisions — NodeNotReady events at once,
 * and after the grace, unbinding the pods of a lost node so the scheduler places them elsewhere.
 * Gossip can be wrong, so a node that still answers a direct ping keeps its pods. A node that left
 * gracefully gets a longer grace: its agent stopped, not its containers, and a restart adopts them.
 */
export class LifecycleLoop extends LeaderLoop {
  private memory: LifecycleMemory | undefined
  private readonly now: () => number

  constructor(
    private readonly components: LifecycleLoopComponents,
    private readonly init: LifecycleLoopInit = {},
  ) {
    super(components.logger, init.resyncMs ?? 500)
    this.now = init.now ?? Date.now
  }

  override async deactivate(): Promise<void> {
    await super.deactivate()
    // A later term starts from scratch: this leader's observations may be stale by then.
    this.memory = undefined
  }

  protected async run(): Promise<void> {
    const { allocations, raft, events } = this.components
    if (!raft.isReadyLeader) return
    const members = this.components.members().map((m) => ({ nodeId: m.heartbeat.peerId, name: m.heartbeat.name, state: m.state, since: m.since }))
    const d = nodeLifecycle(members, allocations.all().filter((b) => b.namespace !== TEST_HOOK_NAMESPACE), {
      now: this.now(),
      rescheduleGraceMs: this.init.rescheduleAfterMs ?? 2000,
      ...(this.init.rescheduleLeftAfterMs !== undefined ? { leftGraceMs: this.init.rescheduleLeftAfterMs } : {}),
      ...(this.memory !== undefined ? { memory: this.memory } : {}),
    })
    this.memory = d.memory
    for (const n of d.notReady) {
      // On the Node, as Kubernetes' node lifecycle controller does, and on each of its pods.
      events.record({ kind: 'Node', name: n.name }, 'Normal', 'NodeNotReady', `Node ${n.name} status is now: NodeNotReady`)
      for (const p of n.pods) events.record({ kind: 'Pod', namespace: p.namespace, name: p.name, uid: p.podUid }, 'Warning', 'NodeNotReady', `Node ${n.name} is not ready`)
    }
    const byNode = new Map<string, Unbind[]>()
    for (const u of d.unbind) byNode.set(u.nodeId, [...(byNode.get(u.nodeId) ?? []), u])
    for (const [nodeId, unbinds] of byNode) {
      // A node that left may be back already (a restart) before its heartbeat reached us.
      if (await this.components.ping(nodeId)) continue
      try {
        await raft.propose(encodeCommand({ op: 'unbind', podUids: unbinds.map((u) => u.podUid), reason: unbinds[0]!.reason }))
        this.logger.warn({ node: unbinds[0]!.nodeName, pods: unbinds.length }, 'unbound the pods of a lost node for rescheduling')
        for (const u of unbinds) events.record({ kind: 'Pod', namespace: u.namespace, name: u.name, uid: u.podUid }, 'Warning', 'Rescheduled', u.reason)
      } catch (err) {
        this.logger.debug({ err }, 'unbind proposal failed; retrying')
      }
    }
  }
}
