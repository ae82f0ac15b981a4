import type { Deployment, ReplicaSet } from './apps-types.js'
import { namespaceOf } from './ownership.js'
import type { OwnerObject } from './pod-from-template.js'
import { controllerRefTo } from './pod-from-template.js'
import { POD_TEMPLATE_HASH_LABEL } from './pod-template-hash.js'
import { DEFAULT_REVISION_HISTORY_LIMIT, desiredReplicas, maxSurge } from './rollout-limits.js'
import type { RolloutPlan, RsState } from './rollout-plan.js'
import { byAge, DESIRED_REPLICAS_ANNOTATION, MAX_REPLICAS_ANNOTATION, REVISION_ANNOTATION, revisionOf } from './rollout-plan.js'

/** Annotations that describe the Deployment or one ReplicaSet itself, and are not passed on. */
const NOT_INHERITED = new Set([
  'kubectl.kubernetes.io/last-applied-configuration',
  REVISION_ANNOTATION,
  'deployment.kubernetes.io/revision-history',
  DESIRED_REPLICAS_ANNOTATION,
  MAX_REPLICAS_ANNOTATION,
  'deprecated.deployment.rollback.to',
])

export function deploymentOwner(d: Deployment): OwnerObject {
  return { apiVersion: 'apps/v1', kind: 'Deployment', metadata: d.metadata }
}

/** The Deployment's annotations its new ReplicaSet carries (`kubernetes.io/change-cause` feeds `rollout history`). */
function inheritedAnnotations(d: Deployment): Record<string, string> {
  return Object.fromEntries(Object.entries(d.metadata.annotations ?? {}).filter(([k]) => !NOT_INHERITED.has(k)))
}

export function maxRevision(states: readonly RsState[]): number {
  return states.reduce((n, s) => Math.max(n, revisionOf(s)), 0)
}

/**
 * Bring the found new ReplicaSet's annotations up to date. An old template used again (`rollout
 * undo`, or re-applying an earlier manifest) takes the next revision, so the revisions keep
 * telling the order in which templates were rolled out.
 */
export function syncNewAnnotations(s: RsState, d: Deployment, newRevision: number): void {
  const annotations = { ...s.annotations, ...inheritedAnnotations(d) }
  if (revisionOf(s) < newRevision) annotations[REVISION_ANNOTATION] = String(newRevision)
  s.annotations = annotations
}

/**
 * The ReplicaSet `<deploy>-<hash>` for the Deployment's current template: the hash label added to
 * its labels, selector and template (so it never claims another revision's pods), owned by the
 * Deployment.
 */
export function newReplicaSet(d: Deployment, hash: string, replicas: number, revision: number): ReplicaSet {
  const template = structuredClone(d.spec.template)
  const labels = { ...template.metadata?.labels, [POD_TEMPLATE_HASH_LABEL]: hash }
  const minReady = d.spec.minReadySeconds
  return {
    apiVersion: 'apps/v1',
    kind: 'ReplicaSet',
    metadata: {
      name: `${d.metadata.name}-${hash}`,
      namespace: namespaceOf(d),
      labels,
      annotations: {
        ...inheritedAnnotations(d),
        [REVISION_ANNOTATION]: String(revision),
        [DESIRED_REPLICAS_ANNOTATION]: String(desiredReplicas(d)),
        [MAX_REPLICAS_ANNOTATION]: String(desiredReplicas(d) + maxSurge(d)),
      },
      ownerReferences: [controllerRefTo(deploymentOwner(d))],
    },
    spec: {
      replicas,
      ...(minReady !== undefined ? { minReadySeconds: minReady } : {}),
      selector: { ...d.spec.selector, matchLabels: { ...d.spec.selector.matchLabels, [POD_TEMPLATE_HASH_LABEL]: hash } },
      template: { ...template, metadata: { ...template.metadata, labels } },
    },
  }
}

/**
 * Old ReplicaSets beyond `revisionHistoryLimit`, lowest revision first. Only those at zero whose
 * replica manager has seen that (observedGeneration) and that have no pods left are candidates,
 * so history cleanup never removes pods.
 */
export function historyToDelete(plan: RolloutPlan): ReplicaSet[] {
  const limit = Math.max(0, plan.deployment.spec.revisionHistoryLimit ?? DEFAULT_REVISION_HISTORY_LIMIT)
  const cleanable = plan.old.filter(
    (s) =>
      s.replicas === 0 &&
      s.rs.spec.replicas === 0 &&
      s.pods === 0 &&
      s.rs.metadata.deletionTimestamp === undefined &&
      (s.rs.status?.observedGeneration ?? 0) >= (s.rs.metadata.generation ?? 1),
  )
  const excess = cleanable.length - limit
  if (excess <= 0) return []
  return cleanable
    .sort((a, b) => revisionOf(a) - revisionOf(b) || byAge(a, b))
    .slice(0, excess)
    .map((s) => s.rs)
}
