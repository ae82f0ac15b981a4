import type { OwnerReference } from '../../crdt/index.js'

export type { OwnerReference }

// The TypeScript view of a Pod as shoal uses it: the Kubernetes core/v1 subset shoal accepts,
// plus the `status.allocatedPorts` extension. Structural, so store objects fit as they are.

export interface ContainerPort {
  name?: string
  containerPort: number
  hostPort?: number
  protocol?: 'TCP' | 'UDP'
}

export interface ProbeHandler {
  httpGet?: { path?: string; port: number | string; host?: string; scheme?: 'HTTP' | 'HTTPS'; httpHeaders?: { name: string; value: string }[] }
  tcpSocket?: { port: number | string; host?: string }
  exec?: { command: string[] }
}

export interface Probe extends ProbeHandler {
  initialDelaySeconds?: number
  periodSeconds?: number
  timeoutSeconds?: number
  successThreshold?: number
  failureThreshold?: number
}

export interface Container {
  name: string
  image?: string
  command?: string[]
  args?: string[]
  workingDir?: string
  env?: { name: string; value?: string }[]
  ports?: ContainerPort[]
  resources?: { requests?: { cpu?: string | number; memory?: string | number }; limits?: { cpu?: string | number; memory?: string | number } }
  livenessProbe?: Probe
  readinessProbe?: Probe
  startupProbe?: Probe
}

export type RestartPolicy = 'Always' | 'OnFailure' | 'Never'

export interface PodSpec {
  containers: Container[]
  restartPolicy?: RestartPolicy
  nodeSelector?: Record<string, string>
  nodeName?: string
  runtimeClassName?: string
  terminationGracePeriodSeconds?: number
}

export type PodPhase = 'Pending' | 'Scheduled' | 'Running' | 'Succeeded' | 'Failed' | 'Unknown'

export interface PodCondition {
  type: string
  status: 'True' | 'False' | 'Unknown'
  reason?: string
  message?: string
  lastTransitionTime?: string
}

export type ContainerStateView =
  | { waiting: { reason: string; message?: string } }
  | { running: { startedAt?: string } }
  | { terminated: { exitCode: number; reason?: string; message?: string; startedAt?: string; finishedAt?: string } }

export interface ContainerStatus {
  name: string
  state: ContainerStateView
  lastState?: ContainerStateView | Record<string, never>
  ready: boolean
  started?: boolean
  restartCount: number
  image: string
  imageID?: string
  containerID?: string
}

/** A host port the scheduler reserved for a container port (shoal extension of PodStatus). */
export interface AllocatedPort {
  container: string
  name?: string
  containerPort: number
  hostPort: number
}

export interface PodStatus {
  phase?: PodPhase
  conditions?: PodCondition[]
  hostIP?: string
  podIP?: string
  startTime?: string
  reason?: string
  message?: string
  containerStatuses?: ContainerStatus[]
  allocatedPorts?: AllocatedPort[]
  /** Which node wrote this status (its peer id): status is owned by the node that runs the pod. */
  observedBy?: string
}

/** The metadata fields shoal's workload code reads (the store's ObjectMeta has more). */
export interface ObjectMetaView {
  name: string
  namespace?: string
  uid?: string
  labels?: Record<string, string>
  annotations?: Record<string, string>
  creationTimestamp?: string
  deletionTimestamp?: string
  ownerReferences?: OwnerReference[]
  generation?: number
  resourceVersion?: string
}

export interface Pod {
  apiVersion?: string
  kind?: string
  metadata: ObjectMetaView
  spec: PodSpec
  status?: PodStatus
}

export interface ReplicationController {
  apiVersion?: string
  kind?: string
  metadata: ObjectMetaView
  spec: {
    replicas?: number
    minReadySeconds?: number
    selector?: Record<string, string>
    template: { metadata?: { labels?: Record<string, string>; annotations?: Record<string, string> }; spec: PodSpec }
  }
  status?: { replicas?: number; readyReplicas?: number; availableReplicas?: number; observedGeneration?: number; fullyLabeledReplicas?: number }
}
