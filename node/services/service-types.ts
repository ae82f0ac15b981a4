// The Kubernetes core/v1 subset the service data plane reads and writes, as plain JSON shapes.
// Structural on purpose: objects read from the store fit without conversion, and extra fields
// the store carries are ignored.

export interface ObjectRef {
  name: string
  namespace?: string
  uid?: string
  labels?: Record<string, string>
  creationTimestamp?: string
  deletionTimestamp?: string
}

export interface ServicePort {
  name?: string
  port: number
  /** Defaults to `port`; a string names a container port. */
  targetPort?: number | string
  protocol?: 'TCP'
}

export interface Service {
  metadata: ObjectRef
  spec: {
    /** Absent or empty: endpoints are managed by the user, not computed. */
    selector?: Record<string, string>
    ports: ServicePort[]
    /** As in Kubernetes: list pods that are not Ready among the addresses too. */
    publishNotReadyAddresses?: boolean
  }
  status?: unknown
}

export interface ContainerPort {
  name?: string
  containerPort: number
  hostPort?: number
}

/** The host port the scheduler gave a container port; the pod's process listens on it. */
export interface AllocatedPort {
  container: string
  name?: string
  containerPort: number
  hostPort: number
}

export interface PodCondition {
  type: string
  status: 'True' | 'False' | 'Unknown'
}

export interface Pod {
  metadata: ObjectRef
  spec: {
    nodeName?: string
    containers: { name: string; ports?: ContainerPort[] }[]
  }
  status?: {
    phase?: string
    hostIP?: string
    podIP?: string
    conditions?: PodCondition[]
    allocatedPorts?: AllocatedPort[]
  }
}

export interface EndpointAddress {
  ip: string
  nodeName?: string
  targetRef: { kind: 'Pod'; name: string; namespace: string; uid: string }
}

export interface EndpointPort {
  name?: string
  port: number
  protocol: 'TCP'
}

export interface EndpointSubset {
  addresses: EndpointAddress[]
  notReadyAddresses: EndpointAddress[]
  ports: EndpointPort[]
}

export interface Endpoints {
  apiVersion: 'v1'
  kind: 'Endpoints'
  metadata: { name: string; namespace: string; labels?: Record<string, string> }
  subsets: EndpointSubset[]
}
