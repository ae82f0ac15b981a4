import type { RaftNode } from '../../../consensus/driver/raft-node.js'
import type { ObjectStore } from '../../../crdt/index.js'
import { deepEqual } from '../../../crdt/model/json.js'
import type { AllocationTable } from '../../allocation/allocation-table.js'
import { randomSuffix } from '../../api/validation/validate-object.js'
import type { ClaimSelector, ReplicaOwner, ReplicaSet, ReplicationDecision } from '../../controllers/index.js'
import { labelClaimSelector, namespaceOf, rcClaimSelector, rcOwner, reconcileReplicas, replicaSetOwner } from '../../controllers/index.js'
import type { Logger } from '../../logger.js'
import type { MemberTable } from '../../membership/member-table.js'
import type { Pod, ReplicationController } from '../../objects/pod.js'
import type { EventSink } from '../events/event-sink.js'
import { objectRef } from '../events/event-sink.js'
import { phaseLookup } from '../pod-view.js'
import { LeaderLoop } from '../../leader/leader-loop.js'
import { applyClaim } from './apply-claim.js'
import { groupBy } from './group-by.js'

export interface ReplicationLoopComponents {
  store: ObjectStore
  allocations: AllocationTable
  raft: RaftNode
  memberTable: MemberTable
  events: EventSink
  logger: Logger
}

/** One replication controller or ReplicaSet: the kinds differ only in their selector. */
interface Managed {
  plural: 'replicationcontrollers' | 'replicasets'
  owner: ReplicaOwner
  selector: ClaimSelector
  status: unknown
}

/** The replica manager on the leader, for replication controllers and ReplicaSets: applies reconcileReplicas' decisions. */
export class ReplicationLoop extends LeaderLoop {
  private readonly burst: number

  constructor(
    private readonly components: ReplicationLoopComponents,
    init: { resyncMs?: number; burst?: number } = {},
  ) {
    super(components.logger, init.resyncMs ?? 2000)
    this.burst = init.burst ?? 500
  }

  protected async run(): Promise<void> {
    const { store, allocations, raft, memberTable } = this.components
    if (!raft.isReadyLeader) return
    const rcs = (store.list('replicationcontrollers').items as unknown as ReplicationController[]).map(
      (rc): Managed => ({ plural: 'replicationcontrollers', owner: rcOwner(rc), selector: rcClaimSelector(rc), status: rc.status }),
    )
    const sets = (store.list('replicasets').items as unknown as ReplicaSet[]).map(
      (rs): Managed => ({ plural: 'replicasets', owner: replicaSetOwner(rs), selector: labelClaimSelector(rs.spec.selector), status: rs.status }),
    )
    // Each owner claims among the pods of its namespace only: hand it those, not every pod.
    const podsIn = groupBy(store.list('pods').items as unknown as Pod[], namespaceOf)
    const bindingOf = (uid: string): ReturnType<AllocationTable['get']> => allocations.get(uid)
    const phaseOf = phaseLookup(allocations, memberTable)
    for (const managed of [...rcs, ...sets]) {
      if (!raft.isReadyLeader) return
      const pods = podsIn.get(namespaceOf(managed.owner)) ?? []
      const d = reconcileReplicas(managed.owner, managed.selector, pods, bindingOf, { now: Date.now(), newName: () => randomSuffix(), burst: this.burst, phaseOf })
      await this.apply(managed, d)
    }
  }

  private async apply(managed: Managed, d: ReplicationDecision<Pod>): Promise<void> {
    const { store, events } = this.components
    const { owner } = managed
    const ns = owner.metadata.namespace ?? 'default'
    const ref = objectRef(owner.kind, owner)
    if (d.problem !== undefined) events.record(ref, 'Warning', 'SelectorMismatch', d.problem)
    await Promise.all([
      ...d.create.map(async (pod) => {
        try {
          await store.create('pods', pod as never)
          events.record(ref, 'Normal', 'SuccessfulCreate', `Created pod: ${pod.metadata.name}`)
        } catch (err) {
          this.logger.debug({ err, owner: owner.metadata.name }, 'replica not created; retrying next round')
        }
      }),
      ...d.delete.map(async (pod) => {
        try {
          await store.delete('pods', ns, pod.metadata.name, { expectedUid: pod.metadata.uid ?? '' })
          events.record(ref, 'Normal', 'SuccessfulDelete', `Deleted pod: ${pod.metadata.name}`)
        } catch (err) {
          this.logger.debug({ err, pod: pod.metadata.name }, 'excess replica not deleted')
        }
      }),
      applyClaim(store, 'pods', owner, d),
    ])
    if (!deepEqual(managed.status ?? {}, d.status)) {
      await store.updateStatus(managed.plural, ns, owner.metadata.name, d.status as never, { expectedUid: owner.metadata.uid ?? '' }).catch(() => undefined)
    }
  }
}
