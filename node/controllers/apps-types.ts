// apps/v1 ReplicaSet and Deployment as the controllers read them: the Kubernetes fields shoal
// implements, structural and mostly optional like ./types.ts, so stored objects fit as they are.

import type { LabelSelectorObject } from '../../crdt/index.js'
import type { ObjectMeta, PodTemplate, ReplicationController, ReplicationControllerStatus } from './types.js'

export type { LabelSelectorObject }

/** Same counts as a ReplicationController's. */
export type ReplicaSetStatus = ReplicationControllerStatus

/** A ReplicationController whose selector is a LabelSelector, and required (the API checks it matches the template). */
export interface ReplicaSet extends Omit<ReplicationController, 'spec'> {
  spec: Omit<ReplicationController['spec'], 'selector'> & { selector: LabelSelectorObject }
}

/** An absolute count or a percentage of `spec.replicas` (`"25%"`). */
export type IntOrPercent = number | string

export interface RollingUpdateParams {
  /** Pods above `replicas` during a rollout; percentages round up. Default 25%. */
  maxSurge?: IntOrPercent
  /** Pods below `replicas` that may be unavailable during a rollout; percentages round down. Default 25%. */
  maxUnavailable?: IntOrPercent
}

export interface DeploymentStrategy {
  /** Default RollingUpdate. */
  type?: 'RollingUpdate' | 'Recreate'
  rollingUpdate?: RollingUpdateParams
}

export type ConditionStatus = 'True' | 'False' | 'Unknown'

export interface DeploymentCondition {
  /** `Available` or `Progressing` (kubectl rollout status reads both). */
  type: string
  status: ConditionStatus
  reason?: string
  message?: string
  /** RFC 3339; the progress deadline counts from the last update of Progressing. */
  lastUpdateTime?: string
  lastTransitionTime?: string
}

export interface DeploymentStatus {
  observedGeneration: number
  /** Pods of all its ReplicaSets. */
  replicas: number
  /** Pods of the ReplicaSet whose template is the current one. */
  updatedReplicas: number
  readyReplicas: number
  availableReplicas: number
  unavailableReplicas: number
  conditions: DeploymentCondition[]
  /** Bumped when a new ReplicaSet's name is taken by another object; it changes the hash. */
  collisionCount?: number
}

export interface DeploymentSpec {
  /** Default 1. */
  replicas?: number
  selector: LabelSelectorObject
  template: PodTemplate
  strategy?: DeploymentStrategy
  minReadySeconds?: number
  /** Old ReplicaSets at zero kept for `rollout undo`; default 10. */
  revisionHistoryLimit?: number
  /** A paused deployment scales but does not roll out template changes. */
  paused?: boolean
  /** Default 600. */
  progressDeadlineSeconds?: number
}

export interface Deployment {
  apiVersion?: string
  kind?: string
  metadata: ObjectMeta
  spec: DeploymentSpec
  status?: Partial<DeploymentStatus>
}
