// The scheduler's input snapshot and output plan: plain data, so that the leader can build a
// snapshot from the committed allocation table and the object store, and a test can write one
// by hand.

export interface ResourceAmounts {
  cpuMillis: number
  memoryBytes: number
}

export interface PortRange {
  /** Inclusive. */
  min: number
  /** Inclusive. */
  max: number
}

export interface SchedulerNode {
  name: string
  /** Alive in membership and reporting Ready; anything else takes no new pods. */
  ready: boolean
  /** Runtimes from the node's heartbeat, e.g. ['docker', 'process']. */
  runtimes: string[]
  labels: Record<string, string>
  allocatable: ResourceAmounts
  /** Overrides SchedulerOptions.portRange for dynamic host ports on this node. */
  portRange?: PortRange
}

/** One row of the committed allocation table (what Raft has bound). */
export interface Allocation {
  podUid: string
  node: string
  cpuMillis: number
  memoryBytes: number
  hostPorts: number[]
  /** The replication controller that owns the pod; spreading counts replicas by it. */
  ownerUid?: string
}

export interface PodPortRequest {
  container: string
  name?: string
  containerPort: number
  /** A fixed host port that must be free on the node; absent means "give me one from the range". */
  hostPort?: number
}

export interface PendingPod {
  uid: string
  namespace: string
  name: string
  ownerUid?: string
  /** Creation time in ms; older pods are placed first. */
  createdAt: number
  /** 'docker' or 'process'; the node must offer exactly this runtime. */
  runtimeClassName?: string
  /**
   * Every container has an image. Without runtimeClassName such a pod runs in docker where the
   * node has docker and falls back to the process runtime elsewhere; a pod without images needs
   * 'process'. A pod whose containers have an image but no command cannot run as a process: the
   * caller should set runtimeClassName 'docker' for it.
   */
  images: boolean
  nodeSelector: Record<string, string>
  /** Summed over the pod's containers. */
  requests: ResourceAmounts
  ports: PodPortRequest[]
}

export interface SchedulingSnapshot {
  nodes: SchedulerNode[]
  allocations: Allocation[]
  pending: PendingPod[]
  /**
   * Ports the services listen on. Every node's proxy listens on every service port (pods share
   * the host network), so these count as used on every node: no pod gets one as a host port.
   */
  servicePorts?: number[]
}

export type PlacementStrategy = 'spread' | 'binpack'

export interface SchedulerOptions {
  /** Tie-break shuffles come from this seed, so a plan replays exactly. */
  seed: number
  /** 'spread' (default) prefers the least allocated node, 'binpack' the most allocated one. */
  strategy?: PlacementStrategy
  /** Dynamic host ports come from here unless a node sets its own; default 30000-32767. */
  portRange?: PortRange
  /** Stop after this many placements; the rest are returned in Plan.deferred. */
  maxPlacements?: number
  /** Used for pods without runtimeClassName instead of the image rule on PendingPod.images. */
  defaultRuntime?: string
}

export interface PlacedPort {
  container: string
  name?: string
  containerPort: number
  hostPort: number
}

/** A new binding: an Allocation row plus what the node needs to start the pod. */
export interface Placement extends Allocation {
  /** The runtime the node should use. */
  runtime: string
  /** The pod's ports in request order, each with its fixed or assigned host port. */
  ports: PlacedPort[]
}

export interface FitFailure {
  podUid: string
  /** Kubernetes-style, e.g. "0/3 nodes are available: 2 insufficient memory, 1 node(s) didn't match node selector." */
  message: string
  /** Rejected node count by reason; one reason per node (the first filter that rejected it). */
  reasons: Record<string, number>
}

export interface Plan {
  /** In placement order (oldest pod first). */
  placements: Placement[]
  failures: FitFailure[]
  /** Pods not considered because maxPlacements was reached; they stay pending for the next plan. */
  deferred: string[]
}
