import type { Deployment, IntOrPercent } from './apps-types.js'

export const DEFAULT_MAX_SURGE = '25%'
export const DEFAULT_MAX_UNAVAILABLE = '25%'
export const DEFAULT_REVISION_HISTORY_LIMIT = 10
export const DEFAULT_PROGRESS_DEADLINE_SECONDS = 600

/** `spec.replicas`, default 1. */
export function desiredReplicas(d: Deployment): number {
  return Math.max(0, d.spec.replicas ?? 1)
}

export function isRecreate(d: Deployment): boolean {
  return d.spec.strategy?.type === 'Recreate'
}

/** A percentage as the API admits it for maxSurge and maxUnavailable: `25%`. */
export const PERCENT = /^(\d+)%$/

/**
 * An absolute count, or a percentage of `total` rounded up (surge) or down (unavailability), as
 * Kubernetes' GetScaledValueFromIntOrPercent. The API admits only ints and `N%`; anything else
 * written past it counts as 0.
 */
export function scaledValue(value: IntOrPercent, total: number, roundUp: boolean): number {
  if (typeof value === 'number') return Math.max(0, Math.trunc(value))
  const m = PERCENT.exec(value)
  if (m === null) return 0
  const exact = (Number(m[1]) * total) / 100
  return roundUp ? Math.ceil(exact) : Math.floor(exact)
}

/**
 * Kubernetes' ResolveFenceposts: surge rounds up, unavailability down, and when both come out 0
 * one pod may be unavailable, or a rollout could never start.
 */
function fenceposts(d: Deployment): { surge: number; unavailable: number } {
  const params = d.spec.strategy?.rollingUpdate
  const replicas = desiredReplicas(d)
  const surge = scaledValue(params?.maxSurge ?? DEFAULT_MAX_SURGE, replicas, true)
  const unavailable = scaledValue(params?.maxUnavailable ?? DEFAULT_MAX_UNAVAILABLE, replicas, false)
  return { surge, unavailable: surge === 0 && unavailable === 0 ? 1 : unavailable }
}

/** Pods a rollout may add above `replicas`; Recreate adds none. */
export function maxSurge(d: Deployment): number {
  return isRecreate(d) ? 0 : fenceposts(d).surge
}

/** Pods below `replicas` that may be unavailable during a rollout; Recreate and 0 replicas: none. */
export function maxUnavailable(d: Deployment): number {
  const replicas = desiredReplicas(d)
  if (isRecreate(d) || replicas === 0) return 0
  return Math.min(fenceposts(d).unavailable, replicas)
}
