import type { RaftNode } from '../../../consensus/driver/raft-node.js'
import type { ObjectStore } from '../../../crdt/index.js'
import type { AllocationTable } from '../../allocation/allocation-table.js'
import { encodeCommand, TEST_HOOK_NAMESPACE } from '../../allocation/commands.js'
import type { AbsenceLog, ReplicaSet } from '../../controllers/index.js'
import { findOrphans, finishedBindings, finishedPastTtl, isSettled, noteAbsences } from '../../controllers/index.js'
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
  /**
   * Delete finished (Succeeded/Failed) pods this long after their last container finished.
   * Absent keeps them until someone deletes them, as Kubernetes does by default.
   */
  finishedTtlMs?: number
  resyncMs?: number
  now?: () => number
}

/**
 * Garbage collection on the leader: pods and ReplicaSets whose owner is gone, bindings whose pod
 * was deleted or has finished, finished pods past their TTL, and events past theirs. Absence must
 * last `settleMs` first, because the replicated store converges asynchronously and a new leader
 * may briefly miss objects that exist; a deletion this node saw happen needs no such wait.
 */
export class GcLoop extends LeaderLoop {
  /** Owners that dependents (pods, ReplicaSets) name but the store lacks, since when. */
  private ownersMissing: AbsenceLog | undefined
  private podsMissing: AbsenceLog | undefined
  /** Uids of pods this node saw deleted since the last run. */
  private readonly deleted = new Set<string>()
  /** Uids of owners (replication controllers, ReplicaSets, Deployments) this node saw deleted. */
  private readonly ownersDeleted = new Set<string>()
  private lastEventSweep = 0
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
    this.deleted.clear()
    this.ownersDeleted.clear()
  }

  /**
   * The store reported a pod deleted. A deletion event is proof, unlike absence: the object was
   * here and is gone, so its binding can be released at once instead of after `settleMs`.
   */
  podDeleted(uid: string): void {
    if (!this.isActive || uid === '') return
    this.deleted.add(uid)
    this.trigger()
  }

  /** The store reported an owner deleted: its dependents go without waiting for `settleMs`. */
  ownerDeleted(uid: string): void {
    if (!this.isActive || uid === '') return
    this.ownersDeleted.add(uid)
    this.trigger()
  }

  protected async run(): Promise<void> {
    const { store, raft } = this.components
    if (!raft.isReadyLeader) return
    const now = this.now()
    const pods = store.list('pods').items as unknown as Pod[]
    await this.collectDependents(pods, now)
    await this.releaseBindings(pods, now)
    // Events need no prompt collection: sweep them on the resync cadence, not on every trigger.
    if (now - this.lastEventSweep >= (this.init.resyncMs ?? 2000)) {
      this.lastEventSweep = now
      await this.sweepEvents(now)
    }
  }

  /**
   * Dependents whose owners are gone: pods of replication controllers and ReplicaSets, and
   * ReplicaSets of Deployments (whose pods follow once their ReplicaSet is gone).
   */
  private async collectDependents(pods: Pod[], now: number): Promise<void> {
    const { store } = this.components
    const sets = store.list('replicasets').items as unknown as ReplicaSet[]
    const uids = (objects: readonly { metadata: { uid?: string } }[]): Set<string> => new Set(objects.map((o) => o.metadata.uid ?? ''))
    const owners = { replicationcontrollers: uids(store.list('replicationcontrollers').items), replicasets: uids(sets), deployments: uids(store.list('deployments').items) }
    const found = findOrphans<Pod | ReplicaSet>([...sets, ...pods], owners, {
      now,
      settleMs: this.init.settleMs ?? 5000,
      ownersMissingSince: this.ownersMissing,
      confirmedGone: this.ownersDeleted,
    })
    this.ownersMissing = found.ownersMissingSince
    // A deletion seen stays proof while the owner is still missing (a failed delete is retried
    // without waiting); once no dependent names it, it is forgotten.
    for (const uid of this.ownersDeleted) if (!found.ownersMissingSince.has(uid)) this.ownersDeleted.delete(uid)
    const orphaned = new Set<unknown>(found.orphans)
    for (const rs of sets.filter((o) => orphaned.has(o))) {
      await store.delete('replicasets', rs.metadata.namespace, rs.metadata.name, { expectedUid: rs.metadata.uid ?? '' }).catch(() => undefined)
      this.logger.info({ replicaset: rs.metadata.name }, 'deleted a replica set whose deployment is gone')
    }
    for (const pod of pods.filter((o) => orphaned.has(o))) {
      await store.delete('pods', pod.metadata.namespace, pod.metadata.name, { expectedUid: pod.metadata.uid ?? '' }).catch(() => undefined)
      this.logger.info({ pod: pod.metadata.name }, 'deleted a pod whose controller is gone')
    }
    for (const pod of finishedPastTtl(pods, { now, ...(this.init.finishedTtlMs !== undefined ? { finishedTtlMs: this.init.finishedTtlMs } : {}) }, orphaned)) {
      await store.delete('pods', pod.metadata.namespace, pod.metadata.name, { expectedUid: pod.metadata.uid ?? '' }).catch(() => undefined)
      this.logger.info({ pod: pod.metadata.name }, 'deleted a finished pod past its TTL')
    }
  }

  /** Unbind pods that were deleted (at once if seen, else after settling) or that finished. */
  private async releaseBindings(pods: Pod[], now: number): Promise<void> {
    const { store, allocations, raft } = this.components
    const podUids = new Set(pods.map((p) => p.metadata.uid))
    const real = allocations.all().filter((b) => b.namespace !== TEST_HOOK_NAMESPACE)
    const missing = noteAbsences(this.podsMissing, real.filter((b) => !podUids.has(b.podUid)).map((b) => b.podUid), now)
    this.podsMissing = missing
    const settle = { settleMs: this.init.settleMs ?? 5000, confirmedGone: this.deleted }
    const gone = [...missing.keys()].filter((uid) => isSettled(missing, uid, now, settle))
    this.deleted.clear()
    if (gone.length > 0) await raft.propose(encodeCommand({ op: 'unbind', podUids: gone, reason: 'pod deleted' })).catch(() => undefined)

    const finished = finishedBindings(pods, (uid) => allocations.get(uid))
    const release: string[] = []
    for (const { pod, binding } of finished) {
      // The pod keeps showing where it ran once the binding (the API's source of spec.nodeName)
      // is gone, as a Kubernetes pod keeps its spec.nodeName.
      if (pod.spec.nodeName !== binding.nodeName) {
        const ok = await store
          .patch('pods', pod.metadata.namespace, pod.metadata.name, { spec: { nodeName: binding.nodeName } }, { expectedUid: binding.podUid })
          .then(() => true)
          .catch(() => false)
        if (!ok) continue
      }
      release.push(binding.podUid)
    }
    if (release.length === 0) return
    try {
      await raft.propose(encodeCommand({ op: 'unbind', podUids: release, reason: 'pod finished' }))
      this.logger.info({ pods: release.length }, 'released the resources of finished pods')
    } catch (err) {
      this.logger.debug({ err }, 'releasing finished pods failed; retrying')
    }
  }

  private async sweepEvents(now: number): Promise<void> {
    const { store } = this.components
    const ttl = this.init.eventTtlMs ?? 3_600_000
    for (const e of store.list('events').items as unknown as { metadata: { name: string; namespace?: string }; lastTimestamp?: string }[]) {
      if (now - (Date.parse(e.lastTimestamp ?? '') || now) > ttl) await store.delete('events', e.metadata.namespace, e.metadata.name).catch(() => undefined)
    }
  }
}
