import type { BindingLookup } from './deletion-order.js'
import { sortForDeletion } from './deletion-order.js'
import { controllerRef, matchesSelector, namespaceOf, selectorOf } from './ownership.js'
import { isPodActive, isPodAvailable, isPodReady } from './pod-phase.js'
import type { NewPod } from './pod-from-template.js'
import { generateName, podFromTemplate } from './pod-from-template.js'
import type { Pod, PodPhase, ReplicationController, ReplicationControllerStatus } from './types.js'

/** Kubernetes' burstReplicas: most creations or deletions for one RC in one round. */
export const DEFAULT_BURST = 500

export interface ReplicationOptions<P extends Pod = Pod> {
  /** Clock in ms, for availability (spec.minReadySeconds). */
  now: number
  /** The random part of a new pod's name, e.g. randomSuffix() (5 characters); the RC name is prepended. */
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
  /** Orphans this RC claims: the caller sets `controllerRefTo(rc)` as their controller. */
  adopt: P[]
  /** Owned pods whose labels no longer match: the caller removes the controller reference. */
  release: P[]
  status: ReplicationControllerStatus
  /** Why the RC cannot create replicas, e.g. a selector its own template does not match. */
  problem?: string
}

/**
 * One round of the replication manager for one RC, as a pure function of the pods the caller
 * sees (which must include the caller's own earlier writes: the local store has them at once).
 *
 * Claiming follows Kubernetes' ControllerRefManager over active pods of the RC's namespace: pods
 * it controls count while their labels match (else they are released), and matching pods without
 * a controller are adopted and count at once. Terminating and finished pods never count. An RC
 * that is being deleted (or has no uid yet) only reports status: it neither claims nor scales.
 */
export function reconcileReplicationController<P extends Pod>(
  rc: ReplicationController,
  pods: readonly P[],
  bindings: BindingLookup,
  options: ReplicationOptions<P>,
): ReplicationDecision<P> {
  const uid = rc.metadata.uid ?? ''
  const selector = selectorOf(rc)
  const inNamespace = pods.filter((p) => namespaceOf(p) === namespaceOf(rc))
  const candidates = inNamespace.filter(isPodActive)
  const owned = candidates.filter((p) => uid !== '' && controllerRef(p)?.uid === uid)
  const matching = (p: P): boolean => matchesSelector(selector, p.metadata.labels)
  // Without a uid (not yet stored) the RC could not be named as anyone's owner.
  const passive = rc.metadata.deletionTimestamp !== undefined || uid === ''
  const adopt = passive ? [] : candidates.filter((p) => controllerRef(p) === undefined && matching(p))
  const release = passive ? [] : owned.filter((p) => !matching(p))
  const active = [...owned.filter(matching), ...adopt]
  const status = replicationStatus(rc, active, options.now)
  if (passive) return { create: [], delete: [], adopt, release, status }

  const burst = options.burst ?? DEFAULT_BURST
  const diff = Math.max(0, rc.spec.replicas ?? 1) - active.length
  const victims = diff < 0 ? sortForDeletion(active, bindings, options.phaseOf).slice(0, Math.min(burst, -diff)) : []
  const problem = templateProblem(rc, selector)
  const create = diff > 0 && problem === undefined ? newReplicas(rc, Math.min(burst, diff), options.newName, inNamespace) : []
  return { create, delete: victims, adopt, release, status, ...(problem !== undefined ? { problem } : {}) }
}

/**
 * Replicas the RC would not recognise as its own would be released at once and replaced forever;
 * the API rejects such an RC, so this guards against a writer that bypassed it.
 */
function templateProblem(rc: ReplicationController, selector: Record<string, string>): string | undefined {
  if (Object.keys(selector).length === 0) return 'spec.selector is empty and the template has no labels'
  if (!matchesSelector(selector, rc.spec.template.metadata?.labels)) return 'spec.template.metadata.labels do not match spec.selector'
  return undefined
}

function newReplicas(rc: ReplicationController, count: number, newName: () => string, existing: readonly Pod[]): NewPod[] {
  const taken = new Set(existing.map((p) => p.metadata.name))
  const out: NewPod[] = []
  while (out.length < count) {
    const name = generateName(rc.metadata.name, newName, taken)
    if (name === undefined) break
    taken.add(name)
    out.push(podFromTemplate(rc, name))
  }
  return out
}

export function replicationStatus(rc: ReplicationController, active: readonly Pod[], now: number): ReplicationControllerStatus {
  const templateLabels = rc.spec.template.metadata?.labels ?? {}
  const minReady = rc.spec.minReadySeconds ?? 0
  return {
    replicas: active.length,
    fullyLabeledReplicas: active.filter((p) => Object.entries(templateLabels).every(([k, v]) => p.metadata.labels?.[k] === v)).length,
    readyReplicas: active.filter(isPodReady).length,
    availableReplicas: active.filter((p) => isPodAvailable(p, minReady, now)).length,
    observedGeneration: rc.metadata.generation ?? 1,
  }
}
