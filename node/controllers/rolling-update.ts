import { desiredReplicas, maxSurge, maxUnavailable } from './rollout-limits.js'
import type { RolloutPlan, RsState } from './rollout-plan.js'
import { byAge, podsOrReplicas, settledAvailable, sum } from './rollout-plan.js'

// One step of a RollingUpdate, after Kubernetes' rolloutRolling: scale the new ReplicaSet up as
// far as maxSurge allows; if that changed nothing, scale old ones down as far as maxUnavailable
// allows. Each round does one of the two, and the next round sees its effect.

/**
 * How many replicas the new ReplicaSet may have now: all of `replicas`, less whatever would put
 * more than `replicas + maxSurge` pods in existence. Pods of a scaled-down old ReplicaSet count
 * until they are deleted, so the surge bound holds for the pods that really exist.
 */
export function newReplicasAllowed(plan: RolloutPlan, current: number): number {
  const d = plan.deployment
  const replicas = desiredReplicas(d)
  if (current >= replicas) return replicas
  const room = replicas + maxSurge(d) - sum(plan.all, podsOrReplicas)
  return room <= 0 ? current : current + Math.min(room, replicas - current)
}

export function scaleUpNew(plan: RolloutPlan): boolean {
  const s = plan.newRs
  if (s === undefined) return false
  return plan.scale(s, newReplicasAllowed(plan, s.replicas))
}

/**
 * Scale old ReplicaSets down without going below `replicas - maxUnavailable` available pods:
 * first the replicas that are not available anyway (they cost no availability), then available
 * ones, oldest ReplicaSet first. The new ReplicaSet's missing pods count as unavailable, so old
 * pods go only as fast as new ones become available.
 */
export function scaleDownOld(plan: RolloutPlan): boolean {
  const d = plan.deployment
  if (sum(plan.old, (s) => s.replicas) === 0) return false
  const minAvailable = desiredReplicas(d) - maxUnavailable(d)
  const newUnavailable = plan.newRs === undefined ? 0 : plan.newRs.replicas - settledAvailable(plan.newRs)
  const maxScaledDown = sum(plan.all, (s) => s.replicas) - minAvailable - newUnavailable
  if (maxScaledDown <= 0) return false
  const oldest = [...plan.old].sort(byAge)
  const cleaned = scaleDownUnhealthy(plan, oldest, maxScaledDown)
  const available = sum(plan.all, settledAvailable)
  let budget = available - minAvailable
  let scaled = cleaned > 0
  for (const s of oldest) {
    if (budget <= 0) break
    if (s.replicas === 0) continue
    const down = Math.min(s.replicas, budget)
    budget -= down
    scaled = plan.scale(s, s.replicas - down) || scaled
  }
  return scaled
}

/** Remove up to `limit` replicas of old ReplicaSets that are not available; returns how many. */
function scaleDownUnhealthy(plan: RolloutPlan, oldest: readonly RsState[], limit: number): number {
  let removed = 0
  for (const s of oldest) {
    if (removed >= limit) break
    const unhealthy = s.replicas - settledAvailable(s)
    if (s.replicas === 0 || unhealthy === 0) continue
    const down = Math.min(limit - removed, unhealthy)
    plan.scale(s, s.replicas - down)
    removed += down
  }
  return removed
}

/** Recreate, first half: every old ReplicaSet to zero. True while any still had replicas. */
export function scaleDownAllOld(plan: RolloutPlan): boolean {
  let scaled = false
  for (const s of plan.activeOld) scaled = plan.scale(s, 0) || scaled
  return scaled
}

/** Recreate waits for this: no old ReplicaSet has a pod left in the store. */
export function oldPodsRemain(plan: RolloutPlan): boolean {
  return plan.old.some((s) => s.pods > 0)
}
