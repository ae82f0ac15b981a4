import type { RaftNode } from '../../../consensus/driver/raft-node.js'
import type { ObjectStore } from '../../../crdt/index.js'
import { deepEqual } from '../../../crdt/model/json.js'
import type { AllocationTable } from '../../allocation/allocation-table.js'
import { randomSuffix } from '../../api/validation/validate-object.js'
import { controllerRefTo, effectivePhase, reconcileReplicationController } from '../../controllers/index.js'
import type { Logger } from '../../logger.js'
import type { MemberTable } from '../../membership/member-table.js'
import type { Pod, ReplicationController } from '../../objects/pod.js'
import type { EventSink, ObjectRef } from '../events/event-sink.js'
import { LeaderLoop } from '../../leader/leader-loop.js'

export interface ReplicationLoopComponents {
  store: ObjectStore
  allocations: AllocationTable
  raft: RaftNode
  memberTable: MemberTable
  events: EventSink
  logger: Logger
}

function rcRef(rc: ReplicationController): ObjectRef {
  return { kind: 'ReplicationController', name: rc.metadata.name, namespace: rc.metadata.namespace ?? 'default', ...(rc.metadata.uid !== undefined ? { uid: rc.metadata.uid } : {}) }
}

/** The replication controller manager on the leader: applies reconcileReplicationController's decisions. */
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
    const { store, allocations, raft, events, memberTable } = this.components
    if (!raft.isReadyLeader) return
    const rcs = store.list('replicationcontrollers').items as unknown as ReplicationController[]
    const pods = store.list('pods').items as unknown as Pod[]
    const bindingOf = (uid: string): ReturnType<AllocationTable['get']> => allocations.get(uid)
    const phaseOf = (p: Pod): ReturnType<typeof effectivePhase> => {
      const b = bindingOf(p.metadata.uid ?? '')
      return effectivePhase(p, b, b === undefined ? undefined : (memberTable.get(b.nodeId)?.state ?? 'unknown'))
    }
    for (const rc of rcs) {
      if (!raft.isReadyLeader) return
      const ns = rc.metadata.namespace ?? 'default'
      const d = reconcileReplicationController(rc, pods, bindingOf, { now: Date.now(), newName: () => randomSuffix(), burst: this.burst, phaseOf })
      if (d.problem !== undefined) events.record(rcRef(rc), 'Warning', 'SelectorMismatch', d.problem)
      const ref = controllerRefTo(rc)
      await Promise.all([
        ...d.create.map(async (pod) => {
          try {
            await store.create('pods', pod as never)
            events.record(rcRef(rc), 'Normal', 'SuccessfulCreate', `Created pod: ${pod.metadata.name}`)
          } catch (err) {
            this.logger.debug({ err, rc: rc.metadata.name }, 'replica not created; retrying next round')
          }
        }),
        ...d.delete.map(async (pod) => {
          try {
            await store.delete('pods', ns, pod.metadata.name, { expectedUid: pod.metadata.uid ?? '' })
            events.record(rcRef(rc), 'Normal', 'SuccessfulDelete', `Deleted pod: ${pod.metadata.name}`)
          } catch (err) {
            this.logger.debug({ err, pod: pod.metadata.name }, 'excess replica not deleted')
          }
        }),
        ...d.adopt.map((pod) => store.patch('pods', ns, pod.metadata.name, { metadata: { ownerReferences: [ref] } } as never).catch(() => undefined)),
        ...d.release.map((pod) =>
          store
            .patch('pods', ns, pod.metadata.name, { metadata: { ownerReferences: (pod.metadata.ownerReferences ?? []).filter((o) => o.uid !== rc.metadata.uid) } } as never)
            .catch(() => undefined),
        ),
      ])
      if (!deepEqual(rc.status ?? {}, d.status)) {
        await store.updateStatus('replicationcontrollers', ns, rc.metadata.name, d.status as never, { expectedUid: rc.metadata.uid ?? '' }).catch(() => undefined)
      }
    }
  }
}
