import { rfc3339 } from '../../crdt/model/normalize.js'
import type { ConditionStatus, Deployment, DeploymentCondition, DeploymentStatus } from './apps-types.js'
import { DEFAULT_PROGRESS_DEADLINE_SECONDS, desiredReplicas, maxUnavailable } from './rollout-limits.js'
import type { RolloutPlan } from './rollout-plan.js'
import { settledAvailable, sum } from './rollout-plan.js'

// A Deployment's status and its Available and Progressing conditions, with Kubernetes' reasons
// and messages: `kubectl rollout status` reads exactly these.

export const Reasons = {
  NewReplicaSetCreated: 'NewReplicaSetCreated',
  FoundNewReplicaSet: 'FoundNewReplicaSet',
  ReplicaSetUpdated: 'ReplicaSetUpdated',
  NewReplicaSetAvailable: 'NewReplicaSetAvailable',
  ProgressDeadlineExceeded: 'ProgressDeadlineExceeded',
  DeploymentPaused: 'DeploymentPaused',
  DeploymentResumed: 'DeploymentResumed',
  MinimumReplicasAvailable: 'MinimumReplicasAvailable',
  MinimumReplicasUnavailable: 'MinimumReplicasUnavailable',
} as const

export function conditionOf(conditions: readonly DeploymentCondition[], type: string): DeploymentCondition | undefined {
  return conditions.find((c) => c.type === type)
}

/**
 * Set a condition, as Kubernetes' SetDeploymentCondition: the same status and reason change
 * nothing; the same status keeps its transition time.
 */
export function setCondition(conditions: DeploymentCondition[], type: string, status: ConditionStatus, reason: string, message: string, now: number): DeploymentCondition[] {
  const current = conditionOf(conditions, type)
  if (current !== undefined && current.status === status && current.reason === reason) return conditions
  const at = rfc3339(new Date(now))
  const lastTransitionTime = current !== undefined && current.status === status ? (current.lastTransitionTime ?? at) : at
  return [...conditions.filter((c) => c.type !== type), { type, status, lastUpdateTime: at, lastTransitionTime, reason, message }]
}

/** The counts of the status, from the plan's ReplicaSets and their pods. */
export function calculateStatus(plan: RolloutPlan, conditions: DeploymentCondition[], now: number): DeploymentStatus {
  const d = plan.deployment
  const available = sum(plan.all, (s) => s.available)
  const status: DeploymentStatus = {
    observedGeneration: d.metadata.generation ?? 1,
    replicas: sum(plan.all, (s) => s.pods),
    updatedReplicas: plan.newRs?.pods ?? 0,
    readyReplicas: sum(plan.all, (s) => s.ready),
    availableReplicas: available,
    unavailableReplicas: Math.max(0, sum(plan.all, (s) => s.replicas) - sum(plan.all, settledAvailable)),
    conditions,
    ...(d.status?.collisionCount !== undefined ? { collisionCount: d.status.collisionCount } : {}),
  }
  const enough = available >= desiredReplicas(d) - maxUnavailable(d)
  status.conditions = enough
    ? setCondition(status.conditions, 'Available', 'True', Reasons.MinimumReplicasAvailable, 'Deployment has minimum availability.', now)
    : setCondition(status.conditions, 'Available', 'False', Reasons.MinimumReplicasUnavailable, 'Deployment does not have minimum availability.', now)
  return status
}

/** All replicas are updated and available, and nothing else runs. */
export function isComplete(d: Deployment, status: DeploymentStatus): boolean {
  const replicas = desiredReplicas(d)
  return status.updatedReplicas === replicas && status.replicas === replicas && status.availableReplicas === replicas && status.observedGeneration >= (d.metadata.generation ?? 1)
}

function madeProgress(previous: Partial<DeploymentStatus>, next: DeploymentStatus): boolean {
  const oldBefore = (previous.replicas ?? 0) - (previous.updatedReplicas ?? 0)
  const oldNow = next.replicas - next.updatedReplicas
  return next.updatedReplicas > (previous.updatedReplicas ?? 0) || oldNow < oldBefore || next.readyReplicas > (previous.readyReplicas ?? 0) || next.availableReplicas > (previous.availableReplicas ?? 0)
}

function timedOut(d: Deployment, conditions: readonly DeploymentCondition[], now: number): boolean {
  const c = conditionOf(conditions, 'Progressing')
  if (c === undefined || c.reason === Reasons.NewReplicaSetAvailable) return false
  if (c.reason === Reasons.ProgressDeadlineExceeded) return true
  const since = Date.parse(c.lastUpdateTime ?? '')
  const deadline = (d.spec.progressDeadlineSeconds ?? DEFAULT_PROGRESS_DEADLINE_SECONDS) * 1000
  return Number.isFinite(since) && since + deadline < now
}

/**
 * Kubernetes' syncRolloutStatus: Progressing says the new ReplicaSet has successfully progressed
 * once the rollout is complete, refreshes its update time whenever pods moved forward (the
 * deadline counts from the last progress), and turns False with ProgressDeadlineExceeded when
 * `progressDeadlineSeconds` pass without any.
 */
export function rolloutStatus(plan: RolloutPlan, conditions: DeploymentCondition[], now: number): DeploymentStatus {
  const d = plan.deployment
  const status = calculateStatus(plan, conditions, now)
  const current = conditionOf(d.status?.conditions ?? [], 'Progressing')
  const alreadyComplete = status.replicas === status.updatedReplicas && current?.reason === Reasons.NewReplicaSetAvailable
  if (alreadyComplete) return status
  const subject = plan.newRs === undefined ? `Deployment "${d.metadata.name}"` : `ReplicaSet "${plan.newRs.rs.metadata.name}"`
  if (isComplete(d, status)) {
    status.conditions = setCondition(status.conditions, 'Progressing', 'True', Reasons.NewReplicaSetAvailable, `${subject} has successfully progressed.`, now)
  } else if (madeProgress(d.status ?? {}, status)) {
    // Progress renews the update time even with an unchanged reason, unlike setCondition.
    const at = rfc3339(new Date(now))
    const previous = conditionOf(status.conditions, 'Progressing')
    const since = previous?.status === 'True' ? (previous.lastTransitionTime ?? at) : at
    status.conditions = [
      ...status.conditions.filter((c) => c.type !== 'Progressing'),
      { type: 'Progressing', status: 'True', lastUpdateTime: at, lastTransitionTime: since, reason: Reasons.ReplicaSetUpdated, message: `${subject} is progressing.` },
    ]
  } else if (timedOut(d, status.conditions, now)) {
    status.conditions = setCondition(status.conditions, 'Progressing', 'False', Reasons.ProgressDeadlineExceeded, `${subject} has timed out progressing.`, now)
  }
  return status
}

/** Progressing Unknown while paused (DeploymentPaused), and once more when resumed. A timed-out rollout keeps saying so. */
export function pausedConditions(d: Deployment, conditions: DeploymentCondition[], now: number): DeploymentCondition[] {
  const c = conditionOf(conditions, 'Progressing')
  if (c?.reason === Reasons.ProgressDeadlineExceeded) return conditions
  const paused = c?.reason === Reasons.DeploymentPaused
  if (d.spec.paused === true && !paused) return setCondition(conditions, 'Progressing', 'Unknown', Reasons.DeploymentPaused, 'Deployment is paused', now)
  if (d.spec.paused !== true && paused) return setCondition(conditions, 'Progressing', 'Unknown', Reasons.DeploymentResumed, 'Deployment is resumed', now)
  return conditions
}
