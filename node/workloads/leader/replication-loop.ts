import type { ObjectStore } from '../../../crdt/index.js'
import { deepEqual } from '../../../crdt/model/json.js'
import type { RaftNode } from '../../../consensus/driver/raft-node.js'
import type { AllocationTable } from '../../allocation/allocation-table.js'
import { randomSuffix } from '../../api/validation/validate-object.js'
import type { Logger } from '../../logger.js'
import type { Pod, ReplicationController } from '../../objects/pod.js'
import type { EventSink, ObjectRef } from '../events/event-sink.js'
import { LeaderLoop } from './leader-loop.js'
import { decideReplication } from './replication-decision.js'

export interface ReplicationLoopComponents {
  store: ObjectStore
  allocations: AllocationTable
  raft: RaftNode
  events: EventSink
  logger: Logger
}

function rcRef(rc: ReplicationController): ObjectRef {
  return { kind: 'ReplicationController', name: rc.metadata.name, namespace: rc.metadata.namespace ?? 'default', ...(rc.metadata.uid !== undefined ? { uid: rc.metadata.uid } : {}) }
}

/** The replication controller manager: keeps `replicas` pods per RC, on the leader only. */
export class ReplicationLoop extends LeaderLoop {
  constructor(
    private readonly components: ReplicationLoopComponents,
    init: { resyncMs?: number; burst?: number } = {},
  ) {
    super(components.logger, init.resyncMs ?? 2000)
    this.burst = init.burst ?? 500
  }

  private readonly burst: number

  protected async run(): Promise<void> {
    const { store, allocations, raft, events } = this.components
    if (!raft.isReadyLeader) return
    const rcs = store.list('replicationcontrollers').items as unknown as ReplicationController[]
    const pods = store.list('pods').items as unknown as Pod[]
    for (const rc of rcs) {
      if (!raft.isReadyLeader) return
      const ns = rc.metadata.namespace ?? 'default'
      const d = decideReplication(rc, pods, { newName: () => `${rc.metadata.name}-${randomSuffix()}`, bindingOf: (uid) => allocations.get(uid), burst: this.burst })
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
        ...d.adopt.map((pod) =>
          store
            .patch('pods', ns, pod.metadata.name, {
              metadata: { ownerReferences: [{ apiVersion: 'v1', kind: 'ReplicationController', name: rc.metadata.name, uid: rc.metadata.uid ?? '', controller: true, blockOwnerDeletion: true }] },
            })
            .catch(() => undefined),
        ),
      ])
      if (!deepEqual({ ...(rc.status ?? {}) }, d.status)) {
        await store.updateStatus('replicationcontrollers', ns, rc.metadata.name, d.status as never, { expectedUid: rc.metadata.uid ?? '' }).catch(() => undefined)
      }
    }
  }
}
