/**
 * What the chaos checker reads from the cluster after the faults heal. The checks are pure
 * functions over these records (chaos-checks.ts), so each can be fed a broken state in a unit test
 * and shown to fail without starting a cluster.
 */

export interface PodObservation {
  name: string
  uid: string
  labels: Record<string, string>
  /** The committed node (spec.nodeName), '' while unbound. */
  node: string
  hostIP: string
  phase: string
  ready: boolean
}

export interface EndpointObservation {
  podName: string
  podUid: string
  ip: string
  ports: number[]
}

export interface RaftObservation {
  role: string
  term: number
  commit: number
  /** Index of the last raft entry this node applied (every entry kind). */
  applied: number
  /** Hash of the allocation table and the index of the last allocation command it applied. */
  table: string
  tableIndex: number
  bindings: number
}

export interface ProxyObservation {
  status?: number
  body?: string
  error?: string
}

/** One node's view. A node that could not be read at all is an UnreadableNode instead. */
export interface NodeObservation {
  name: string
  /** Hash of the whole replicated document. */
  store: string
  raft: RaftObservation
  /** Names of the Events this node holds (the client's writes are Events). */
  events: string[]
  /** Uids of the pods whose containers this node runs. */
  runningPodUids: string[]
  pods: PodObservation[]
  /** spec.replicas per replication controller. */
  replicas: Record<string, number>
  /** Ready addresses of the checked service's Endpoints on this node; undefined when it has none. */
  endpoints: EndpointObservation[] | undefined
  /** One request through this node's service proxy. */
  proxy: ProxyObservation
}

export interface UnreadableNode {
  name: string
  error: string
}

export type Observed = NodeObservation | UnreadableNode

/** Whether each agent process is up, with its last words when it is not. */
export interface ProcessObservation {
  name: string
  running: boolean
  detail: string
}

export function isUnreadable(o: Observed): o is UnreadableNode {
  return 'error' in o
}
