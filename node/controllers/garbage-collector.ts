import type { AbsenceLog } from './absence.js'
import { noteAbsences } from './absence.js'
import { isPodTerminal } from './pod-phase.js'
import type { OwnerReference, Pod } from './types.js'

/**
 * Uids of the owner objects that exist, by resource (the lower-case plural of the owner's kind,
 * Kubernetes' default: ReplicationController → replicationcontrollers).
 */
export interface OwnerIndex {
  replicationcontrollers: ReadonlySet<string>
  readonly [resource: string]: ReadonlySet<string> | undefined
}

export interface GarbageOptions {
  now: number
  /**
   * An owner must stay missing this long before its dependents go (default 0). The store
   * converges asynchronously and a new leader may briefly lack objects, so a live caller should
   * pass a few seconds and keep `ownersMissingSince` between rounds.
   */
  settleMs?: number
  ownersMissingSince?: AbsenceLog
  /**
   * Delete finished pods (Succeeded/Failed) this long after their last container finished;
   * absent keeps them, like Kubernetes without a TTL. A pod with no finish time is kept.
   */
  finishedTtlMs?: number
}

export interface GarbageDecision<P extends Pod = Pod> {
  /** Pods every one of whose owners is gone. */
  orphans: P[]
  /** Finished pods past `finishedTtlMs`. */
  finished: P[]
  /** Give this back as `ownersMissingSince` in the next round. */
  ownersMissingSince: Map<string, number>
}

function resourceOf(ref: OwnerReference): string {
  return `${ref.kind.toLowerCase()}s`
}

/**
 * Pods to delete. As in Kubernetes' garbage collector a pod goes when all its owners are gone (a
 * pod with no owner reference is never collected). An owner of a kind the index does not list
 * cannot be checked, so its dependents are kept. Pods already being deleted are left alone.
 */
export function collectGarbage<P extends Pod>(pods: readonly P[], owners: OwnerIndex, options: GarbageOptions): GarbageDecision<P> {
  const { now } = options
  const live = pods.filter((p) => p.metadata.deletionTimestamp === undefined)
  const gone = (ref: OwnerReference): boolean => {
    const index = owners[resourceOf(ref)]
    return index !== undefined && !index.has(ref.uid)
  }
  const missing = live.flatMap((p) => (p.metadata.ownerReferences ?? []).filter(gone).map((r) => r.uid))
  const ownersMissingSince = noteAbsences(options.ownersMissingSince, missing, now)
  const settled = (ref: OwnerReference): boolean => gone(ref) && now - (ownersMissingSince.get(ref.uid) ?? now) >= (options.settleMs ?? 0)

  const orphans = live.filter((p) => {
    const refs = p.metadata.ownerReferences ?? []
    return refs.length > 0 && refs.every(settled)
  })
  const ttl = options.finishedTtlMs
  const orphaned = new Set<Pod>(orphans)
  const finished =
    ttl === undefined
      ? []
      : live.filter((p) => {
          if (!isPodTerminal(p) || orphaned.has(p)) return false
          const at = finishedAt(p)
          return at !== undefined && now - at >= ttl
        })
  return { orphans, finished, ownersMissingSince }
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
