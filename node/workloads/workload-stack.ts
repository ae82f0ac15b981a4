import { peerIdFromString } from '@libp2p/peer-id'
import type { RaftNode } from '../../consensus/driver/raft-node.js'
import type { ObjectStore } from '../../crdt/index.js'
import type { Startable } from '../../lib/startable.js'
import type { AllocationTable } from '../allocation/allocation-table.js'
import type { RouteModule } from '../api/router.js'
import { isPodTerminal } from '../controllers/index.js'
import type { AgentEventBus } from '../events.js'
import type { Logger } from '../logger.js'
import type { Member, MemberTable } from '../membership/member-table.js'
import type { Host } from '../p2p/host.js'
import type { ContainerRuntime } from '../runtime/types.js'
import type { Pod } from '../objects/pod.js'
import type { PlacementStrategy } from '../scheduler/types.js'
import { StoreEventRecorder } from './events/store-event-recorder.js'
import { DeploymentLoop } from './leader/deployment-loop.js'
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
  /** Grace for the pods of a node that left gracefully (restart, upgrade); default 15 s. */
  rescheduleLeftAfterMs?: number
  placement: PlacementStrategy
  backoffBaseMs: number
  /** Delete Succeeded/Failed pods this long after they finished; absent keeps them (Kubernetes' default). */
  finishedPodTtlMs?: number
}

export interface WorkloadStack {
  reconciler: Reconciler
  /** Controllers that run only on the raft leader (the agent activates them). */
  leaderLoops: LeaderLoop[]
  parts: Startable[]
  routes: RouteModule[]
  views: Record<string, (obj: unknown) => unknown>
  /**
   * The `reconciler` section of /shoal/v1/cluster: `caughtUp` is false after a start until the
   * allocation table is confirmed current; until then this node starts and stops nothing.
   */
  section: () => Record<string, unknown>
}

/**
 * Pods, replication controllers, ReplicaSets and Deployments that run: the reconciler on every
 * node, and on the leader the scheduler, the replica manager, the deployment controller, node
 * lifecycle and garbage collection.
 */
export function createWorkloadStack(c: WorkloadComponents, settings: WorkloadSettings): WorkloadStack {
  const logger = c.logger
  const nodeEvents = new StoreEventRecorder({ store: c.store, logger }, { component: 'shoal-node', host: c.self.name })
  const leaderEvents = new StoreEventRecorder({ store: c.store, logger }, { component: 'shoal-controller', host: c.self.name })
  const reconciler = new Reconciler(
    {
      store: c.store,
      allocations: c.allocations,
      runtimes: c.runtimes,
      events: nodeEvents,
      logger: logger.child({ component: 'reconciler' }),
      self: c.self,
      // A ReadIndex round: resolves once this node applied the leader's commit index.
      catchUp: () => c.raft.linearizableRead(5000),
    },
    { backoff: { baseMs: settings.backoffBaseMs } },
  )
  const scheduling = new SchedulingLoop(
    { store: c.store, allocations: c.allocations, raft: c.raft, members: c.members, events: leaderEvents, logger: logger.child({ component: 'scheduler' }) },
    { strategy: settings.placement },
  )
  const replication = new ReplicationLoop({ store: c.store, allocations: c.allocations, raft: c.raft, memberTable: c.memberTable, events: leaderEvents, logger: logger.child({ component: 'replication' }) })
  const deployments = new DeploymentLoop({ store: c.store, allocations: c.allocations, raft: c.raft, memberTable: c.memberTable, events: leaderEvents, logger: logger.child({ component: 'deployments' }) })
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
    {
      rescheduleAfterMs: settings.rescheduleAfterMs,
      ...(settings.rescheduleLeftAfterMs !== undefined ? { rescheduleLeftAfterMs: settings.rescheduleLeftAfterMs } : {}),
    },
  )
  const gc = new GcLoop(
    { store: c.store, allocations: c.allocations, raft: c.raft, logger: logger.child({ component: 'gc' }) },
    settings.finishedPodTtlMs !== undefined ? { finishedTtlMs: settings.finishedPodTtlMs } : {},
  )
  const unsubscribes: Array<() => void> = []
  const memberChanged = (): void => {
    scheduling.trigger()
    lifecycle.trigger()
  }
  const triggers: Startable = {
    start: () => {
      unsubscribes.push(
        c.store.subscribe('pods', {}, (e) => {
          scheduling.trigger()
          replication.trigger()
          deployments.trigger()
          // Deleted and finished pods give their resources back promptly (see GcLoop).
          if (e.type === 'DELETED') gc.podDeleted(e.object.metadata.uid ?? '')
          else if (isPodTerminal(e.object as unknown as Pod)) gc.trigger()
        }),
        c.store.subscribe('replicationcontrollers', {}, (e) => {
          replication.trigger()
          if (e.type === 'DELETED') gc.ownerDeleted(e.object.metadata.uid ?? '')
        }),
        // A ReplicaSet is managed by the replica manager and watched by its Deployment.
        c.store.subscribe('replicasets', {}, (e) => {
          replication.trigger()
          deployments.trigger()
          if (e.type === 'DELETED') gc.ownerDeleted(e.object.metadata.uid ?? '')
        }),
        c.store.subscribe('deployments', {}, (e) => {
          deployments.trigger()
          if (e.type === 'DELETED') gc.ownerDeleted(e.object.metadata.uid ?? '')
        }),
        // A service's port is no host port for pods: a new or deleted service changes what fits.
        c.store.subscribe('services', {}, () => scheduling.trigger()),
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
    leaderLoops: [scheduling, replication, deployments, lifecycle, gc],
    parts: [reconciler, triggers],
    routes: [containersRoutes({ runtimes: c.runtimes, nodeName: c.self.name }), podLogRoutes({ store: c.store, allocations: c.allocations, runtimes: c.runtimes, members: c.members, selfId: c.self.id, token: c.token })],
    views: { pods: podView(c.allocations, c.memberTable) },
    section: () => ({ reconciler: { caughtUp: reconciler.caughtUp } }),
  }
}
