import type { Deployment, DeploymentCondition, DeploymentStatus, ReplicaSet } from './apps-types.js'
import { historyToDelete, maxRevision, newReplicaSet, syncNewAnnotations } from './deployment-revisions.js'
import { calculateStatus, conditionOf, isComplete, pausedConditions, Reasons, rolloutStatus, setCondition } from './deployment-status.js'
import type { ClaimSelector } from './ownership.js'
import { claim, controllerRef, labelClaimSelector, namespaceOf } from './ownership.js'
import { isPodActive } from './pod-phase.js'
import { podTemplateHash, templateKey } from './pod-template-hash.js'
import { isScalingEvent, scaleToReplicas } from './proportional-scale.js'
import { countPods } from './replication-manager.js'
import { newReplicasAllowed, oldPodsRemain, scaleDownAllOld, scaleDownOld, scaleUpNew } from './rolling-update.js'
import { desiredReplicas, isRecreate } from './rollout-limits.js'
import type { DeploymentEvent, RsState } from './rollout-plan.js'
import { byAge, REVISION_ANNOTATION, RolloutPlan } from './rollout-plan.js'
import type { Pod, PodPhase } from './types.js'

export interface DeploymentOptions<P extends Pod = Pod> {
  /** Clock in ms: availability (minReadySeconds), condition times, the progress deadline. */
  now: number
  /** The phase users see (effectivePhase): a pod on a down node is not available. */
  phaseOf?: (pod: P) => PodPhase | undefined
}

/** An existing ReplicaSet's new size and annotations (and minReadySeconds, when it must follow the Deployment's). */
export interface ReplicaSetUpdate {
  rs: ReplicaSet
  replicas: number
  annotations: Record<string, string>
  minReadySeconds?: number
}

export interface DeploymentDecision {
  /** The new ReplicaSet to write to the store. */
  create?: ReplicaSet
  update: ReplicaSetUpdate[]
  /** Orphan ReplicaSets matching the selector: the caller makes the Deployment their controller. */
  adopt: ReplicaSet[]
  /** Owned ReplicaSets that no longer match: the caller removes the controller reference. */
  release: ReplicaSet[]
  /** Old ReplicaSets beyond revisionHistoryLimit. */
  delete: ReplicaSet[]
  status: DeploymentStatus
  /** The Deployment's own `deployment.kubernetes.io/revision`, when it must change. */
  revision?: string
  events: DeploymentEvent[]
  problem?: string
}

function statesOf<P extends Pod>(d: Deployment, replicaSets: readonly ReplicaSet[], pods: readonly P[], options: DeploymentOptions<P>): RsState[] {
  const byOwner = new Map<string, P[]>()
  for (const p of pods) {
    const uid = controllerRef(p)?.uid
    if (uid !== undefined && isPodActive(p) && namespaceOf(p) === namespaceOf(d)) byOwner.set(uid, [...(byOwner.get(uid) ?? []), p])
  }
  return replicaSets.map((rs) => {
    const counts = countPods(byOwner.get(rs.metadata.uid ?? '') ?? [], d.spec.minReadySeconds ?? 0, options.now, options.phaseOf)
    return { rs, replicas: rs.spec.replicas ?? 1, annotations: { ...rs.metadata.annotations }, pods: counts.replicas, ready: counts.readyReplicas, available: counts.availableReplicas }
  })
}

function sameAnnotations(a: Readonly<Record<string, string>>, b: Readonly<Record<string, string>>): boolean {
  const keys = Object.keys(a)
  return keys.length === Object.keys(b).length && keys.every((k) => a[k] === b[k])
}

function updatesOf(plan: RolloutPlan, created: ReplicaSet | undefined): ReplicaSetUpdate[] {
  const minReady = plan.deployment.spec.minReadySeconds
  return plan.all.flatMap((s) => {
    if (s.rs === created) return []
    const minReadyChange = s === plan.newRs && (s.rs.spec.minReadySeconds ?? 0) !== (minReady ?? 0)
    if (s.replicas === (s.rs.spec.replicas ?? 1) && sameAnnotations(s.annotations, s.rs.metadata.annotations ?? {}) && !minReadyChange) return []
    return [{ rs: s.rs, replicas: s.replicas, annotations: s.annotations, ...(minReadyChange ? { minReadySeconds: minReady ?? 0 } : {}) }]
  })
}

/**
 * One round of the deployment controller for one Deployment, as a pure function of its namespace's
 * ReplicaSets and pods (after Kubernetes' syncDeployment):
 * - the new ReplicaSet is the oldest one whose template is the Deployment's; absent, it is created
 *   as `<name>-<pod-template-hash>` with revision (highest old revision + 1). An old ReplicaSet whose
 *   template matches again becomes the new one and takes that revision, so undo reuses it;
 * - a change of `spec.replicas` alone resizes the ReplicaSets proportionally (no rollout step);
 * - RollingUpdate moves one step per round within maxSurge / maxUnavailable; Recreate scales
 *   every old ReplicaSet to zero, waits until their pods are gone, then scales the new one up;
 * - a paused Deployment only resizes; a complete or paused one drops history beyond the limit.
 * A Deployment being deleted (or not stored yet) only reports status.
 */
export function reconcileDeployment<P extends Pod>(d: Deployment, replicaSets: readonly ReplicaSet[], pods: readonly P[], options: DeploymentOptions<P>): DeploymentDecision {
  const { now } = options
  const uid = d.metadata.uid ?? ''
  const selector = labelClaimSelector(d.spec.selector)
  const passive = d.metadata.deletionTimestamp !== undefined || uid === '' || selector.problem !== undefined
  const candidates = replicaSets.filter((rs) => namespaceOf(rs) === namespaceOf(d) && rs.metadata.deletionTimestamp === undefined)
  // Without a usable selector the owned ReplicaSets still count for status, but none is claimed or released.
  const everything: ClaimSelector = { matches: () => true }
  const { active, adopt, release } = claim(uid, candidates, selector.problem === undefined ? selector : everything, passive)
  const states = statesOf(d, active, pods, options)
  const template = templateKey(d.spec.template)
  const newRs = states.filter((s) => templateKey(s.rs.spec.template) === template).sort(byAge)[0]
  const plan = new RolloutPlan(d, newRs, states.filter((s) => s !== newRs))
  const base = { adopt, release, delete: [] as ReplicaSet[], update: [] as ReplicaSetUpdate[], events: plan.events }
  let conditions: DeploymentCondition[] = [...(d.status?.conditions ?? [])]
  if (passive) return { ...base, status: calculateStatus(plan, conditions, now), ...(selector.problem !== undefined ? { problem: selector.problem } : {}) }

  conditions = pausedConditions(d, conditions, now)
  const newRevision = maxRevision(plan.old) + 1
  if (newRs !== undefined) {
    syncNewAnnotations(newRs, d, newRevision)
    if (conditionOf(conditions, 'Progressing') === undefined) {
      conditions = setCondition(conditions, 'Progressing', 'True', Reasons.FoundNewReplicaSet, `Found new replica set "${newRs.rs.metadata.name}"`, now)
    }
  }

  let create: ReplicaSet | undefined
  let collisionCount = d.status?.collisionCount
  /** Create the new ReplicaSet, unless its name is taken: then the next round hashes with a new collision count. */
  const ensureNew = (): void => {
    if (plan.newRs !== undefined) return
    const hash = podTemplateHash(d.spec.template, collisionCount ?? 0)
    const name = `${d.metadata.name}-${hash}`
    if (replicaSets.some((rs) => namespaceOf(rs) === namespaceOf(d) && rs.metadata.name === name)) {
      collisionCount = (collisionCount ?? 0) + 1
      return
    }
    const replicas = isRecreate(d) ? desiredReplicas(d) : newReplicasAllowed(plan, 0)
    create = newReplicaSet(d, hash, replicas, newRevision)
    plan.newRs = { rs: create, replicas: 0, annotations: { ...create.metadata.annotations }, pods: 0, ready: 0, available: 0 }
    plan.scale(plan.newRs, replicas)
    conditions = setCondition(conditions, 'Progressing', 'True', Reasons.NewReplicaSetCreated, `Created new replica set "${name}"`, now)
  }

  let status: DeploymentStatus
  let cleanup = d.spec.paused === true
  if (d.spec.paused === true || isScalingEvent(plan)) {
    scaleToReplicas(plan)
    status = calculateStatus(plan, conditions, now)
  } else {
    if (isRecreate(d)) {
      if (!scaleDownAllOld(plan) && !oldPodsRemain(plan)) {
        ensureNew()
        if (plan.newRs !== undefined) plan.scale(plan.newRs, desiredReplicas(d))
      }
    } else {
      ensureNew()
      if (!scaleUpNew(plan)) scaleDownOld(plan)
    }
    status = rolloutStatus(plan, conditions, now)
    cleanup = isComplete(d, status)
  }
  if (collisionCount !== undefined) status.collisionCount = collisionCount
  const revision = plan.newRs?.annotations[REVISION_ANNOTATION]
  return {
    ...base,
    ...(create !== undefined ? { create } : {}),
    update: updatesOf(plan, create),
    delete: cleanup ? historyToDelete(plan) : [],
    status,
    ...(revision !== undefined && revision !== d.metadata.annotations?.[REVISION_ANNOTATION] ? { revision } : {}),
  }
}
