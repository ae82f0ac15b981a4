import type { RaftNode } from '../../../consensus/driver/raft-node.js'
import type { ObjectStore } from '../../../crdt/index.js'
import type { AllocationTable } from '../../allocation/allocation-table.js'
import { encodeCommand } from '../../allocation/commands.js'
import type { Logger } from '../../logger.js'
import type { Pod } from '../../objects/pod.js'
import { LeaderLoop } from './leader-loop.js'

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
 * Garbage collection on the leader: pods whose controlling RC is gone, bindings whose pod was
 * deleted, and events past their TTL. Absence must persist for `settleMs` first, because the
 * replicated store converges asynchronously and a new leader may briefly miss objects.
 */
export class GcLoop extends LeaderLoop {
  private readonly missing = new Map<string, number>()
  private readonly now: () => number

  constructor(
    private readonly components: GcLoopComponents,
    private readonly init: GcLoopInit = {},
  ) {
    super(components.logger, init.resyncMs ?? 2000)
    this.now = init.now ?? Date.now
  }

  private seen = new Set<string>()

  private settled(key: string, gone: boolean, now: number): boolean {
    this.seen.add(key)
    if (!gone) {
      this.missing.delete(key)
      return false
    }
    const since = this.missing.get(key) ?? now
    this.missing.set(key, since)
    return now - since >= (this.init.settleMs ?? 5000)
  }

  protected async run(): Promise<void> {
    const { store, allocations, raft } = this.components
    if (!raft.isReadyLeader) return
    const now = this.now()
    this.seen = new Set()
    const rcUids = new Set((store.list('replicationcontrollers').items as unknown as Pod[]).map((rc) => rc.metadata.uid))
    const pods = store.list('pods').items as unknown as Pod[]
    for (const pod of pods) {
      const owner = pod.metadata.ownerReferences?.find((o) => o.controller === true && o.kind === 'ReplicationController')
      if (owner === undefined) continue
      if (this.settled(`pod:${pod.metadata.uid}`, !rcUids.has(owner.uid), now)) {
        await store.delete('pods', pod.metadata.namespace, pod.metadata.name, { expectedUid: pod.metadata.uid ?? '' }).catch(() => undefined)
        this.logger.info({ pod: pod.metadata.name, owner: owner.name }, 'deleted a pod whose controller is gone')
      }
    }
    const podUids = new Set(pods.map((p) => p.metadata.uid))
    const stale = allocations.all().filter((b) => this.settled(`binding:${b.podUid}`, !podUids.has(b.podUid), now))
    if (stale.length > 0) {
      await raft.propose(encodeCommand({ op: 'unbind', podUids: stale.map((b) => b.podUid), reason: 'pod deleted' })).catch(() => undefined)
    }
    for (const key of this.missing.keys()) if (!this.seen.has(key)) this.missing.delete(key)
    const ttl = this.init.eventTtlMs ?? 3_600_000
    for (const e of store.list('events').items as unknown as { metadata: { name: string; namespace?: string }; lastTimestamp?: string }[]) {
      if (now - (Date.parse(e.lastTimestamp ?? '') || now) > ttl) await store.delete('events', e.metadata.namespace, e.metadata.name).catch(() => undefined)
    }
  }
}
