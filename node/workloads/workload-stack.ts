import { peerIdFromString } from '@libp2p/peer-id'
import type { RaftNode } from '../../consensus/driver/raft-node.js'
import type { ObjectStore } from '../../crdt/index.js'
import type { Startable } from '../../lib/startable.js'
import type { AllocationTable } from '../allocation/allocation-table.js'
import type { RouteModule } from '../api/router.js'
import type { AgentEventBus } from '../events.js'
import type { Logger } from '../logger.js'
import type { Member, MemberTable } from '../membership/member-table.js'
import type { Host } from '../p2p/host.js'
import type { ContainerRuntime } from '../runtime/types.js'
import type { PlacementStrategy } from '../scheduler/types.js'
import { StoreEventRecorder } from './events/store-event-recorder.js'
import { GcLoop } from './leader/gc-loop.js'
import type { LeaderLoop } from '../leader/leader-loop.js'
import { LifecycleLoop } from './leader/lifecycle-loop.js'
import { ReplicationLoop } from './leader/replication-loop.js'
import { SchedulingLoop } from './leader/scheduling-loop.js'
import { containersRoutes } from './containers-route.js'
import { podLogRoutes } from './logs/pod-log-route.js'
import { podView } from './pod-view.js'
import type { NodeFacts } from './reconciler/container-env.js'
import { Reconciler } from './reconciler/reconciler.js'

export interface WorkloadComponents {
  store: ObjectStore
  allocations: AllocationTable
  raft: RaftNode
  runtimes: ContainerRuntime[]
  host: Host
  events: AgentEventBus
  memberTable: MemberTable
  members: () => Member[]
  logger: Logger
  token: string
  self: { id: string } & NodeFacts
}

export interface WorkloadSettings {
  rescheduleAfterMs: number
  placement: PlacementStrategy
  backoffBaseMs: number
}

export interface WorkloadStack {
  reconciler: Reconciler
  /** Controllers that run only on the raft leader (the agent activates them). */
  leaderLoops: LeaderLoop[]
  parts: Startable[]
  routes: RouteModule[]
  views: Record<string, (obj: unknown) => unknown>
}

/**
 * Pods and replication controllers that run: the reconciler on every node, and on the leader the
 * scheduler, the replication manager, node lifecycle and garbage collection.
 */
export function createWorkloadStack(c: WorkloadComponents, settings: WorkloadSettings): WorkloadStack {
  const logger = c.logger
  const nodeEvents = new StoreEventRecorder({ store: c.store, logger }, { component: 'shoal-node', host: c.self.name })
  const leaderEvents = new StoreEventRecorder({ store: c.store, logger }, { component: 'shoal-controller', host: c.self.name })
  const reconciler = new Reconciler(
    { store: c.store, allocations: c.allocations, runtimes: c.runtimes, events: nodeEvents, logger: logger.child({ component: 'reconciler' }), self: c.self },
    { backoff: { baseMs: settings.backoffBaseMs } },
  )
  const scheduling = new SchedulingLoop(
    { store: c.store, allocations: c.allocations, raft: c.raft, members: c.members, events: leaderEvents, logger: logger.child({ component: 'scheduler' }) },
    { strategy: settings.placement },
  )
  const replication = new ReplicationLoop({ store: c.store, allocations: c.allocations, raft: c.raft, memberTable: c.memberTable, events: leaderEvents, logger: logger.child({ component: 'replication' }) })
  const lifecycle = new LifecycleLoop(
    {
      allocations: c.allocations,
      raft: c.raft,
      members: c.members,
      events: leaderEvents,
      logger: logger.child({ component: 'node-lifecycle' }),
      ping: async (id) => {
        try {
          await c.host.services.ping.ping(peerIdFromString(id), { signal: AbortSignal.timeout(1000) })
          return true
        } catch {
          return false
        }
      },
    },
    { rescheduleAfterMs: settings.rescheduleAfterMs },
  )
  const gc = new GcLoop({ store: c.store, allocations: c.allocations, raft: c.raft, logger: logger.child({ component: 'gc' }) })
  const unsubscribes: Array<() => void> = []
  const memberChanged = (): void => {
    scheduling.trigger()
    lifecycle.trigger()
  }
  const triggers: Startable = {
    start: () => {
      unsubscribes.push(
        c.store.subscribe('pods', {}, () => {
          scheduling.trigger()
          replication.trigger()
        }),
        c.store.subscribe('replicationcontrollers', {}, () => replication.trigger()),
        c.allocations.subscribe(() => {
          scheduling.trigger()
          replication.trigger()
          lifecycle.trigger()
        }),
      )
      for (const e of ['member:alive', 'member:suspect', 'member:down', 'member:left'] as const) c.events.on(e, memberChanged)
    },
    stop: () => {
      for (const u of unsubscribes.splice(0)) u()
      for (const e of ['member:alive', 'member:suspect', 'member:down', 'member:left'] as const) c.events.off(e, memberChanged)
    },
  }
  return {
    reconciler,
    leaderLoops: [scheduling, replication, lifecycle, gc],
    parts: [reconciler, triggers],
    routes: [containersRoutes({ runtimes: c.runtimes, nodeName: c.self.name }), podLogRoutes({ store: c.store, allocations: c.allocations, runtimes: c.runtimes, members: c.members, selfId: c.self.id, token: c.token })],
    views: { pods: podView(c.allocations, c.memberTable) },
  }
}
