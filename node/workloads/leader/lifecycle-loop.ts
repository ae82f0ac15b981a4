import type { RaftNode } from '../../../consensus/driver/raft-node.js'
import type { ObjectStore } from '../../../crdt/index.js'
import type { AllocationTable } from '../../allocation/allocation-table.js'
import type { Binding } from '../../allocation/commands.js'
import { encodeCommand } from '../../allocation/commands.js'
import type { Logger } from '../../logger.js'
import type { Member } from '../../membership/member-table.js'
import type { EventSink } from '../events/event-sink.js'
import { LeaderLoop } from './leader-loop.js'

export interface LifecycleLoopComponents {
  store: ObjectStore
  allocations: AllocationTable
  raft: RaftNode
  members: () => Member[]
  events: EventSink
  logger: Logger
  /** A direct liveness check (libp2p ping); true when the node answers. */
  ping: (peerId: string) => Promise<boolean>
}

export interface LifecycleLoopInit {
  /** How long a node stays down before its pods are unbound for rescheduling. */
  rescheduleAfterMs?: number
  resyncMs?: number
  now?: () => number
}

/**
 * Node lifecycle on the leader: pods on a node that stopped heartbeating are reported
 * NodeNotReady at once, and unbound (so the scheduler places them elsewhere) once the node has
 * been down for the grace period and does not answer a direct ping. A node that left gracefully
 * is unbound without waiting.
 */
export class LifecycleLoop extends LeaderLoop {
  private readonly notified = new Set<string>()
  private readonly missingSince = new Map<string, number>()
  private readonly now: () => number

  constructor(
    private readonly components: LifecycleLoopComponents,
    private readonly init: LifecycleLoopInit = {},
  ) {
    super(components.logger, init.resyncMs ?? 500)
    this.now = init.now ?? Date.now
  }

  protected async run(): Promise<void> {
    const { allocations, raft, events, store } = this.components
    if (!raft.isReadyLeader) return
    const members = new Map(this.components.members().map((m) => [m.heartbeat.peerId, m]))
    const byNode = new Map<string, Binding[]>()
    for (const b of allocations.all()) byNode.set(b.nodeId, [...(byNode.get(b.nodeId) ?? []), b])
    const now = this.now()
    for (const [nodeId, bindings] of byNode) {
      const m = members.get(nodeId)
      const state = m?.state
      if (state === 'alive') {
        this.notified.delete(nodeId)
        this.missingSince.delete(nodeId)
        continue
      }
      if (state === 'suspect') continue
      // Down, left, or not in the member table at all (never seen by this leader, or forgotten).
      const since = m?.since ?? this.missingSince.get(nodeId) ?? now
      if (m === undefined) this.missingSince.set(nodeId, since)
      const name = m?.heartbeat.name ?? bindings[0]!.nodeName
      if (!this.notified.has(nodeId)) {
        this.notified.add(nodeId)
        for (const b of bindings) {
          const pod = store.get('pods', b.namespace, b.name)
          if (pod !== undefined) events.record({ kind: 'Pod', namespace: b.namespace, name: b.name, uid: b.podUid }, 'Warning', 'NodeNotReady', `Node ${name} is not ready`)
        }
      }
      const grace = state === 'left' ? 0 : (this.init.rescheduleAfterMs ?? 2000)
      if (now - since < grace) continue
      // Gossip can be wrong; a node that still answers a direct ping keeps its pods.
      if (state !== 'left' && (await this.components.ping(nodeId))) continue
      try {
        await raft.propose(encodeCommand({ op: 'unbind', podUids: bindings.map((b) => b.podUid), reason: `node ${name} is ${state ?? 'gone'}` }))
        this.logger.warn({ node: name, pods: bindings.length }, 'unbound the pods of a lost node for rescheduling')
        for (const b of bindings) {
          events.record({ kind: 'Pod', namespace: b.namespace, name: b.name, uid: b.podUid }, 'Warning', 'Rescheduled', `Node ${name} is ${state ?? 'gone'}; rescheduling the pod on another node`)
        }
      } catch (err) {
        this.logger.debug({ err }, 'unbind proposal failed; retrying')
      }
    }
  }
}
