import type { AbsenceLog, SettleOptions } from './absence.js'
import { isSettled, noteAbsences } from './absence.js'
import { isPodTerminal } from './pod-phase.js'
import type { OwnerReference, Pod } from './types.js'

/**
 * Uids of the owner objects that exist, by resource (the lower-case plural of the owner's kind,
 * Kubernetes' default: ReplicationController → replicationcontrollers, ReplicaSet → replicasets).
 */
export interface OwnerIndex {
  replicationcontrollers: ReadonlySet<string>
  readonly [resource: string]: ReadonlySet<string> | undefined
}

export interface GarbageOptions extends SettleOptions {
  now: number
  /**
   * An owner must stay missing this long before its dependents go (default 0), unless it is in
   * `confirmedGone` (its deletion was seen). The store converges asynchronously and a new leader
   * may briefly lack objects, so a live caller should pass a few seconds and keep
   * `ownersMissingSince` between rounds.
   */
  settleMs?: number
  ownersMissingSince?: AbsenceLog
  /**
   * Delete finished pods (Succeeded/Failed) this long after their last container finished;
   * absent keeps them, like Kubernetes without a TTL. A pod with no finish time is kept.
   */
  finishedTtlMs?: number
}

function resourceOf(ref: OwnerReference): string {
  return `${ref.kind.toLowerCase()}s`
}

/** Any object that can have owners: pods, and ReplicaSets owned by Deployments. */
export interface Dependent {
  metadata: { uid?: string; deletionTimestamp?: string; ownerReferences?: readonly OwnerReference[] }
}

export interface OrphanDecision<D extends Dependent> {
  /** Objects every one of whose owners is gone. */
  orphans: D[]
  /** Give this back as `ownersMissingSince` in the next round. */
  ownersMissingSince: Map<string, number>
}

/**
 * Dependents to delete, of any kind. As in Kubernetes' garbage collector an object goes when all
 * its owners are gone (one with no owner reference is never collected). An owner of a kind the
 * index does not list cannot be checked, so its dependents are kept. Objects already being
 * deleted are left alone. Deleting a Deployment thus removes its ReplicaSets, and they their pods.
 */
export function findOrphans<D extends Dependent>(objects: readonly D[], owners: OwnerIndex, options: Omit<GarbageOptions, 'finishedTtlMs'>): OrphanDecision<D> {
  const { now } = options
  const live = objects.filter((o) => o.metadata.deletionTimestamp === undefined)
  const gone = (ref: OwnerReference): boolean => {
    const index = owners[resourceOf(ref)]
    return index !== undefined && !index.has(ref.uid)
  }
  const missing = live.flatMap((o) => (o.metadata.ownerReferences ?? []).filter(gone).map((r) => r.uid))
  const ownersMissingSince = noteAbsences(options.ownersMissingSince, missing, now)
  const settled = (ref: OwnerReference): boolean => gone(ref) && isSettled(ownersMissingSince, ref.uid, now, options)
  const orphans = live.filter((o) => {
    const refs = o.metadata.ownerReferences ?? []
    return refs.length > 0 && refs.every(settled)
  })
  return { orphans, ownersMissingSince }
}

export interface GarbageDecision<P extends Pod = Pod> extends OrphanDecision<P> {
  /** Finished pods past `finishedTtlMs`. */
  finished: P[]
}

/** Pods to delete: orphans (see findOrphans), and finished pods past `finishedTtlMs`. */
export function collectGarbage<P extends Pod>(pods: readonly P[], owners: OwnerIndex, options: GarbageOptions): GarbageDecision<P> {
  const { orphans, ownersMissingSince } = findOrphans(pods, owners, options)
  return { orphans, finished: finishedPastTtl(pods, options, new Set(orphans)), ownersMissingSince }
}

/**
 * Finished pods past `finishedTtlMs` (none without one), except those being deleted already or
 * `orphaned` (collected as orphans).
 */
export function finishedPastTtl<P extends Pod>(pods: readonly P[], options: Pick<GarbageOptions, 'now' | 'finishedTtlMs'>, orphaned: ReadonlySet<unknown>): P[] {
  const ttl = options.finishedTtlMs
  if (ttl === undefined) return []
  return pods.filter((p) => {
    if (p.metadata.deletionTimestamp !== undefined || !isPodTerminal(p) || orphaned.has(p)) return false
    const at = finishedAt(p)
    return at !== undefined && options.now - at >= ttl
  })
}

/** The latest container finish time, in ms. */
export function finishedAt(pod: Pod): number | undefined {
  let latest: number | undefined
  for (const s of pod.status?.containerStatuses ?? []) {
    const t = Date.parse(s.state?.terminated?.finishedAt ?? '')
    if (Number.isFinite(t) && (latest === undefined || t > latest)) latest = t
  }
  return latest
}
