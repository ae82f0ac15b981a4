import { compareText } from '../scheduler/text-order.js'
import type { Deployment, ReplicaSet } from './apps-types.js'
import { desiredReplicas, maxSurge } from './rollout-limits.js'

export const REVISION_ANNOTATION = 'deployment.kubernetes.io/revision'
export const DESIRED_REPLICAS_ANNOTATION = 'deployment.kubernetes.io/desired-replicas'
export const MAX_REPLICAS_ANNOTATION = 'deployment.kubernetes.io/max-replicas'

/** One of a Deployment's ReplicaSets during a round: as stored, and as this round leaves it. */
export interface RsState {
  rs: ReplicaSet
  /** `spec.replicas` after this round. */
  replicas: number
  /** `metadata.annotations` after this round. */
  annotations: Record<string, string>
  /** Active pods it controls, ready ones, and ones ready for minReadySeconds, as the store has them now. */
  pods: number
  ready: number
  available: number
}

export interface DeploymentEvent {
  type: 'Normal' | 'Warning'
  reason: string
  message: string
}

/** `deployment.kubernetes.io/revision` of a ReplicaSet (its RsState or its metadata); 0 when it has none. */
export function revisionOf(s: { annotations?: Readonly<Record<string, string>> | undefined }): number {
  const n = Number(s.annotations?.[REVISION_ANNOTATION] ?? '0')
  return Number.isSafeInteger(n) && n > 0 ? n : 0
}

/**
 * Pods of the ReplicaSet that can be counted on once it has settled at `replicas`: the replica
 * manager removes unavailable pods first, so at most `replicas` of the available ones stay. The
 * stored RS status would lag this round's own scaling, which is why pods are counted directly.
 */
export function settledAvailable(s: RsState): number {
  return Math.min(s.replicas, s.available)
}

/** Pods it has or is about to have: a scaled-down RS's pods still exist until they are deleted. */
export function podsOrReplicas(s: RsState): number {
  return Math.max(s.replicas, s.pods)
}

export function sum(states: readonly RsState[], f: (s: RsState) => number): number {
  return states.reduce((n, s) => n + f(s), 0)
}

function created(s: RsState): number {
  return Date.parse(s.rs.metadata.creationTimestamp ?? '') || 0
}

/** Oldest first, the name breaking ties (Kubernetes' ReplicaSetsByCreationTimestamp). */
export function byAge(a: RsState, b: RsState): number {
  return created(a) - created(b) || compareText(a.rs.metadata.name, b.rs.metadata.name)
}

/**
 * The working state of one Deployment round: the new ReplicaSet (whose template is the
 * Deployment's; absent until created), the old ones, and what the round changed. Steps read
 * the replica counts earlier steps set, as Kubernetes' steps read the objects they updated.
 */
export class RolloutPlan {
  readonly events: DeploymentEvent[] = []

  constructor(
    readonly deployment: Deployment,
    public newRs: RsState | undefined,
    readonly old: RsState[],
  ) {}

  get all(): RsState[] {
    return this.newRs === undefined ? [...this.old] : [...this.old, this.newRs]
  }

  /** Old ReplicaSets that still have replicas. */
  get activeOld(): RsState[] {
    return this.old.filter((s) => s.replicas > 0)
  }

  /**
   * Set a ReplicaSet's size, and record on it the Deployment size it was scaled for (which tells a
   * later round whether `spec.replicas` changed since: a scaling event, not a rollout).
   */
  scale(s: RsState, replicas: number): boolean {
    const d = this.deployment
    s.annotations = { ...s.annotations, [DESIRED_REPLICAS_ANNOTATION]: String(desiredReplicas(d)), [MAX_REPLICAS_ANNOTATION]: String(desiredReplicas(d) + maxSurge(d)) }
    if (s.replicas === replicas) return false
    const verb = replicas > s.replicas ? 'up' : 'down'
    this.events.push({ type: 'Normal', reason: 'ScalingReplicaSet', message: `Scaled ${verb} replica set ${s.rs.metadata.name} from ${s.replicas} to ${replicas}` })
    s.replicas = replicas
    return true
  }
}
