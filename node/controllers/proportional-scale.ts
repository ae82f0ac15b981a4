import { desiredReplicas, isRecreate, maxSurge } from './rollout-limits.js'
import type { RolloutPlan, RsState } from './rollout-plan.js'
import { byAge, DESIRED_REPLICAS_ANNOTATION, MAX_REPLICAS_ANNOTATION, sum } from './rollout-plan.js'

// A change of `spec.replicas` (a scaling event) is applied to the ReplicaSets that exist, without
// starting or advancing a rollout: after Kubernetes' DeploymentController.scale.

function annotated(s: RsState, key: string): number | undefined {
  const n = Number(s.annotations[key])
  return s.annotations[key] !== undefined && Number.isSafeInteger(n) && n >= 0 ? n : undefined
}

/** Some ReplicaSet with replicas was sized for another `spec.replicas` than the Deployment's now. */
export function isScalingEvent(plan: RolloutPlan): boolean {
  const replicas = desiredReplicas(plan.deployment)
  return plan.all.some((s) => {
    const desired = annotated(s, DESIRED_REPLICAS_ANNOTATION)
    return s.replicas > 0 && desired !== undefined && desired !== replicas
  })
}

/** The one ReplicaSet with replicas; with none, the new one or else the newest. Undefined when several have replicas. */
function activeOrLatest(plan: RolloutPlan): RsState | undefined {
  const active = plan.all.filter((s) => s.replicas > 0)
  if (active.length === 1) return active[0]
  if (active.length > 1) return undefined
  return plan.newRs ?? [...plan.old].sort(byAge).at(-1)
}

/** The new ReplicaSet has all of `replicas`, available: old ones can go to zero at once. */
function isSaturated(plan: RolloutPlan): boolean {
  const s = plan.newRs
  const replicas = desiredReplicas(plan.deployment)
  return s !== undefined && s.replicas === replicas && annotated(s, DESIRED_REPLICAS_ANNOTATION) === replicas && s.available >= replicas
}

/** A ReplicaSet's share of the change: its size scaled from the total it was sized for to the new total. */
function proportion(plan: RolloutPlan, s: RsState, toAdd: number, added: number): number {
  if (s.replicas === 0 || toAdd === 0 || toAdd === added) return 0
  const d = plan.deployment
  const replicas = desiredReplicas(d)
  let fraction = -s.replicas
  if (replicas > 0) {
    const sizedFor = annotated(s, MAX_REPLICAS_ANNOTATION) ?? sum(plan.all, (x) => x.pods)
    fraction = sizedFor === 0 ? 0 : Math.round((s.replicas * (replicas + maxSurge(d))) / sizedFor) - s.replicas
  }
  const allowed = toAdd - added
  return toAdd > 0 ? Math.min(fraction, allowed) : Math.max(fraction, allowed)
}

/**
 * Resize for a new `spec.replicas`: the single active ReplicaSet takes it all; otherwise (in the
 * middle of a rolling update) every active ReplicaSet grows or shrinks in proportion to its size,
 * and the largest absorbs the rounding, so the rollout continues from the same ratio.
 */
export function scaleToReplicas(plan: RolloutPlan): void {
  const d = plan.deployment
  const replicas = desiredReplicas(d)
  const single = activeOrLatest(plan)
  if (single !== undefined) {
    plan.scale(single, replicas)
    return
  }
  if (isSaturated(plan)) {
    for (const s of plan.activeOld) plan.scale(s, 0)
    return
  }
  if (isRecreate(d)) return
  const active = plan.all.filter((s) => s.replicas > 0)
  const allowed = replicas > 0 ? replicas + maxSurge(d) : 0
  const toAdd = allowed - sum(active, (s) => s.replicas)
  // Growing favours the largest and newest ReplicaSet, shrinking the largest and oldest.
  active.sort((a, b) => b.replicas - a.replicas || (toAdd > 0 ? byAge(b, a) : byAge(a, b)))
  let added = 0
  const sizes = active.map((s) => {
    const p = proportion(plan, s, toAdd, added)
    added += p
    return s.replicas + p
  })
  sizes[0] = Math.max(0, sizes[0]! + toAdd - added)
  active.forEach((s, i) => plan.scale(s, sizes[i]!))
}
