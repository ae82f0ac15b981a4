import type { ReplicaSet } from './apps-types.js'
import type { BindingLookup } from './deletion-order.js'
import { sortForDeletion } from './deletion-order.js'
import type { ClaimSelector } from './ownership.js'
import { claim, labelClaimSelector, namespaceOf, rcClaimSelector } from './ownership.js'
import { isPodActive, isPodAvailable, isPodReady } from './pod-phase.js'
import type { NewPod, ReplicaOwner } from './pod-from-template.js'
import { generateName, podFromTemplate } from './pod-from-template.js'
import type { Pod, PodPhase, ReplicationController, ReplicationControllerStatus } from './types.js'

/** Kubernetes' burstReplicas: most creations or deletions for one controller in one round. */
export const DEFAULT_BURST = 500

export interface ReplicationOptions<P extends Pod = Pod> {
  /** Clock in ms, for availability (spec.minReadySeconds). */
  now: number
  /** The random part of a new pod's name, e.g. randomSuffix() (5 characters); the owner's name is prepended. */
  newName: () => string
  /** Most creations and most deletions per call, so a huge change is spread over a few rounds. */
  burst?: number
  /** The phase to rank victims by; pass effectivePhase so replicas on a dead node go first. */
  phaseOf?: (pod: P) => PodPhase | undefined
}

export interface ReplicationDecision<P extends Pod = Pod> {
  /** New replicas to write to the store. */
  create: NewPod[]
  /** Excess replicas to delete, most expendable first. */
  delete: P[]
  /** Orphans the owner claims: the caller sets `controllerRefTo(owner)` as their controller. */
  adopt: P[]
  /** Owned pods whose labels no longer match: the caller removes the controller reference. */
  release: P[]
  status: ReplicationControllerStatus
  /** Why the owner cannot create replicas, e.g. a selector its own template does not match. */
  problem?: string
}

/** A ReplicationController as the replica manager's owner. */
export function rcOwner(rc: ReplicationController): ReplicaOwner {
  return { apiVersion: 'v1', kind: 'ReplicationController', metadata: rc.metadata, spec: rc.spec }
}

/** A ReplicaSet as the replica manager's owner. */
export function replicaSetOwner(rs: ReplicaSet): ReplicaOwner {
  return { apiVersion: 'apps/v1', kind: 'ReplicaSet', metadata: rs.metadata, spec: rs.spec }
}

export function reconcileReplicationController<P extends Pod>(rc: ReplicationController, pods: readonly P[], bindings: BindingLookup, options: ReplicationOptions<P>): ReplicationDecision<P> {
  return reconcileReplicas(rcOwner(rc), rcClaimSelector(rc), pods, bindings, options)
}

export function reconcileReplicaSet<P extends Pod>(rs: ReplicaSet, pods: readonly P[], bindings: BindingLookup, options: ReplicationOptions<P>): ReplicationDecision<P> {
  return reconcileReplicas(replicaSetOwner(rs), labelClaimSelector(rs.spec.selector), pods, bindings, options)
}

/**
 * One round of the replica manager for one owner (RC or ReplicaSet), as a pure function of the
 * pods the caller sees (which must include the caller's own earlier writes: the local store has
 * them at once). The kinds differ only in their selector, which is why it is a parameter.
 *
 * Claiming follows Kubernetes' ControllerRefManager over active pods of the owner's namespace
 * (see `claim`). Terminating and finished pods never count. An owner that is being deleted (or
 * has no uid yet) only reports status: it neither claims nor scales.
 */
export function reconcileReplicas<P extends Pod>(owner: ReplicaOwner, selector: ClaimSelector, pods: readonly P[], bindings: BindingLookup, options: ReplicationOptions<P>): ReplicationDecision<P> {
  const uid = owner.metadata.uid ?? ''
  const inNamespace = pods.filter((p) => namespaceOf(p) === namespaceOf(owner))
  // Without a uid (not yet stored) the owner could not be named as anyone's owner.
  const passive = owner.metadata.deletionTimestamp !== undefined || uid === ''
  const { active, adopt, release } = claim(uid, inNamespace.filter(isPodActive), selector, passive)
  const status = replicationStatus(owner, active, options.now, options.phaseOf)
  if (passive) return { create: [], delete: [], adopt, release, status }

  const burst = options.burst ?? DEFAULT_BURST
  const diff = Math.max(0, owner.spec.replicas ?? 1) - active.length
  const victims = diff < 0 ? sortForDeletion(active, bindings, options.phaseOf).slice(0, Math.min(burst, -diff)) : []
  const problem = templateProblem(owner, selector)
  const create = diff > 0 && problem === undefined ? newReplicas(owner, Math.min(burst, diff), options.newName, inNamespace) : []
  return { create, delete: victims, adopt, release, status, ...(problem !== undefined ? { problem } : {}) }
}

/**
 * Replicas the owner would not recognise as its own would be released at once and replaced
 * forever; the API rejects such an owner, so this guards against a writer that bypassed it.
 */
function templateProblem(owner: ReplicaOwner, selector: ClaimSelector): string | undefined {
  if (selector.problem !== undefined) return selector.problem
  if (!selector.matches(owner.spec.template.metadata?.labels)) return 'spec.template.metadata.labels do not match spec.selector'
  return undefined
}

function newReplicas(owner: ReplicaOwner, count: number, newName: () => string, existing: readonly Pod[]): NewPod[] {
  const taken = new Set(existing.map((p) => p.metadata.name))
  const out: NewPod[] = []
  while (out.length < count) {
    const name = generateName(owner.metadata.name, newName, taken)
    if (name === undefined) break
    taken.add(name)
    out.push(podFromTemplate(owner, name))
  }
  return out
}

export interface PodCounts {
  /** Active pods. */
  replicas: number
  readyReplicas: number
  /** Ready for at least minReadySeconds. */
  availableReplicas: number
}

/**
 * How many of `active` are ready and available. A replica on a node that is down keeps its last
 * stored Ready condition (only its node could change it), so with `phaseOf` (effectivePhase) a
 * replica shown Unknown does not count: a controller must not report capacity the cluster has lost.
 */
export function countPods<P extends Pod>(active: readonly P[], minReadySeconds: number, now: number, phaseOf: (pod: P) => PodPhase | undefined = (p) => p.status?.phase): PodCounts {
  const reachable = active.filter((p) => phaseOf(p) !== 'Unknown')
  return {
    replicas: active.length,
    readyReplicas: reachable.filter(isPodReady).length,
    availableReplicas: reachable.filter((p) => isPodAvailable(p, minReadySeconds, now)).length,
  }
}

/** The owner's status (an RC's and a ReplicaSet's have the same fields). */
export function replicationStatus<P extends Pod>(
  owner: Pick<ReplicaOwner, 'metadata' | 'spec'>,
  active: readonly P[],
  now: number,
  phaseOf?: (pod: P) => PodPhase | undefined,
): ReplicationControllerStatus {
  const templateLabels = owner.spec.template.metadata?.labels ?? {}
  const counts = countPods(active, owner.spec.minReadySeconds ?? 0, now, phaseOf)
  return {
    replicas: counts.replicas,
    fullyLabeledReplicas: active.filter((p) => Object.entries(templateLabels).every(([k, v]) => p.metadata.labels?.[k] === v)).length,
    readyReplicas: counts.readyReplicas,
    availableReplicas: counts.availableReplicas,
    observedGeneration: owner.metadata.generation ?? 1,
  }
}
