import type { RaftNode } from '../../../consensus/driver/raft-node.js'
import type { ObjectStore } from '../../../crdt/index.js'
import type { AllocationTable } from '../../allocation/allocation-table.js'
import { encodeCommand, TEST_HOOK_NAMESPACE } from '../../allocation/commands.js'
import type { AbsenceLog } from '../../controllers/index.js'
import { collectGarbage, noteAbsences } from '../../controllers/index.js'
import type { Logger } from '../../logger.js'
import type { Pod } from '../../objects/pod.js'
import { LeaderLoop } from '../../leader/leader-loop.js'

export interface GcLoopComponents {
  store: ObjectStore
  allocations: AllocationTable
  raft: RaftNode
  logger: Logger
}

export interface GcLoopInit {
  /** An object must stay missing this long before its dependents are collected (store lag). */
  settleMs?: number
  eventTtlMs?: number
  resyncMs?: number
  now?: () => number
}

/**
 * Garbage collection on the leader: pods whose controller is gone, bindings whose pod was deleted,
 * and events past their TTL. Absence must last `settleMs` first, because the replicated store
 * converges asynchronously and a new leader may briefly miss objects that exist.
 */
export class GcLoop extends LeaderLoop {
  private ownersMissing: AbsenceLog | undefined
  private podsMissing: AbsenceLog | undefined
  private readonly now: () => number

  constructor(
    private readonly components: GcLoopComponents,
    private readonly init: GcLoopInit = {},
  ) {
    super(components.logger, init.resyncMs ?? 2000)
    this.now = init.now ?? Date.now
  }

  override async deactivate(): Promise<void> {
    await super.deactivate()
    this.ownersMissing = undefined
    this.podsMissing = undefined
  }

  protected async run(): Promise<void> {
    const { store, allocations, raft } = this.components
    if (!raft.isReadyLeader) return
    const now = this.now()
    const settleMs = this.init.settleMs ?? 5000
    const pods = store.list('pods').items as unknown as Pod[]
    const rcs = store.list('replicationcontrollers').items as unknown as Pod[]
    const g = collectGarbage(pods, { replicationcontrollers: new Set(rcs.map((r) => r.metadata.uid ?? '')) }, {
      now,
      settleMs,
      ...(this.ownersMissing !== undefined ? { ownersMissingSince: this.ownersMissing } : {}),
    })
    this.ownersMissing = g.ownersMissingSince
    for (const pod of g.orphans) {
      await store.delete('pods', pod.metadata.namespace, pod.metadata.name, { expectedUid: pod.metadata.uid ?? '' }).catch(() => undefined)
      this.logger.info({ pod: pod.metadata.name }, 'deleted a pod whose controller is gone')
    }
    const podUids = new Set(pods.map((p) => p.metadata.uid))
    const real = allocations.all().filter((b) => b.namespace !== TEST_HOOK_NAMESPACE)
    this.podsMissing = noteAbsences(this.podsMissing, real.filter((b) => !podUids.has(b.podUid)).map((b) => b.podUid), now)
    const stale = [...this.podsMissing].filter(([, since]) => now - since >= settleMs).map(([uid]) => uid)
    if (stale.length > 0) await raft.propose(encodeCommand({ op: 'unbind', podUids: stale, reason: 'pod deleted' })).catch(() => undefined)
    const ttl = this.init.eventTtlMs ?? 3_600_000
    for (const e of store.list('events').items as unknown as { metadata: { name: string; namespace?: string }; lastTimestamp?: string }[]) {
      if (now - (Date.parse(e.lastTimestamp ?? '') || now) > ttl) await store.delete('events', e.metadata.namespace, e.metadata.name).catch(() => undefined)
    }
  }
}
