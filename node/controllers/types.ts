// The parts of Kubernetes-shaped objects that the controllers read, and nothing more. Structural
// and mostly optional, so the store's richer objects (node/objects/pod.ts) fit without a cast.

import type { OwnerReference } from '../objects/pod.js'

export type { OwnerReference }

export type Quantity = string | number

export interface ResourceList {
  cpu?: Quantity
  memory?: Quantity
}

export interface ObjectMeta {
  name: string
  namespace?: string
  /** Set by the store on create; absent only on objects a controller is about to create. */
  uid?: string
  labels?: Record<string, string>
  annotations?: Record<string, string>
  /** RFC 3339, set by the store. */
  creationTimestamp?: string
  /** Set when deletion has begun: such an object no longer counts as a live replica. */
  deletionTimestamp?: string
  ownerReferences?: readonly OwnerReference[]
  generation?: number
}

export interface ContainerPort {
  name?: string
  containerPort: number
  hostPort?: number
}

export interface Container {
  name: string
  image?: string
  command?: readonly string[]
  ports?: readonly ContainerPort[]
  resources?: { requests?: ResourceList; limits?: ResourceList }
}

export type RestartPolicy = 'Always' | 'OnFailure' | 'Never'

export interface PodSpec {
  containers: readonly Container[]
  restartPolicy?: RestartPolicy
  nodeSelector?: Record<string, string>
  /** Given by the user, a hard placement constraint; shown by the API from the committed binding. */
  nodeName?: string
  runtimeClassName?: string
}

export type PodPhase = 'Pending' | 'Scheduled' | 'Running' | 'Succeeded' | 'Failed' | 'Unknown'

export interface PodCondition {
  type: string
  status: 'True' | 'False' | 'Unknown'
  /** RFC 3339; availability (minReadySeconds) counts from the Ready transition. */
  lastTransitionTime?: string
}

/** One of waiting/running/terminated is set; only the finish time is read here. */
export interface ContainerStateView {
  waiting?: unknown
  running?: unknown
  terminated?: { finishedAt?: string }
}

export interface PodStatus {
  phase?: PodPhase
  conditions?: readonly PodCondition[]
  containerStatuses?: readonly { state?: ContainerStateView }[]
  /** Peer id of the node that wrote this status (shoal extension): a pod's status has one owner. */
  observedBy?: string
}

export interface Pod {
  apiVersion?: string
  kind?: string
  metadata: ObjectMeta
  spec: PodSpec
  status?: PodStatus
}

export interface PodTemplate {
  metadata?: { labels?: Record<string, string>; annotations?: Record<string, string> }
  spec: PodSpec
}

export interface ReplicationControllerStatus {
  replicas: number
  /** Replicas whose labels match the template's labels, not only the selector. */
  fullyLabeledReplicas: number
  readyReplicas: number
  /** Ready for at least spec.minReadySeconds. */
  availableReplicas: number
  observedGeneration: number
}

export interface ReplicationController {
  apiVersion?: string
  kind?: string
  metadata: ObjectMeta
  spec: {
    /** Default 1. */
    replicas?: number
    minReadySeconds?: number
    /** Default: the template's labels. */
    selector?: Record<string, string>
    template: PodTemplate
  }
  status?: Partial<ReplicationControllerStatus>
}

/** A member's state in the failure detector (node/membership), or 'unknown' when it is not listed. */
export type NodeState = 'alive' | 'suspect' | 'down' | 'left' | 'unknown'
