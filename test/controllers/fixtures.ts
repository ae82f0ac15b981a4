// Object builders for the controller tests: small, explicit, and deterministic (fixed clock).
import type { Binding } from '../../node/allocation/commands.js'
import { controllerRefTo } from '../../node/controllers/index.js'
import type { OwnerObject, Pod, PodPhase, PodSpec, ReplicationController } from '../../node/controllers/index.js'

export const T0 = Date.parse('2024-05-01T12:00:00.000Z')

export function iso(ms: number): string {
  return new Date(ms).toISOString()
}

export const webSpec: PodSpec = { containers: [{ name: 'web', command: ['sleep', '3600'], ports: [{ containerPort: 8080 }] }] }

export interface RcInit {
  replicas?: number
  labels?: Record<string, string>
  selector?: Record<string, string>
  namespace?: string
  minReadySeconds?: number
  generation?: number
  deleting?: boolean
}

export function makeRc(name: string, init: RcInit = {}): ReplicationController & OwnerObject {
  const labels = init.labels ?? { app: name }
  return {
    apiVersion: 'v1',
    kind: 'ReplicationController',
    metadata: {
      name,
      namespace: init.namespace ?? 'default',
      uid: `uid-${name}`,
      ...(init.generation !== undefined ? { generation: init.generation } : {}),
      ...(init.deleting === true ? { deletionTimestamp: iso(T0) } : {}),
    },
    spec: {
      ...(init.replicas !== undefined ? { replicas: init.replicas } : {}),
      ...(init.minReadySeconds !== undefined ? { minReadySeconds: init.minReadySeconds } : {}),
      ...(init.selector !== undefined ? { selector: init.selector } : {}),
      template: { metadata: { labels, annotations: { team: 'blue' } }, spec: webSpec },
    },
  }
}

export interface PodInit {
  namespace?: string
  labels?: Record<string, string>
  /** The controller (an RC or a ReplicaSet); `null` for an orphan. Default: none. */
  owner?: OwnerObject | null
  /** ms after T0. */
  age?: number
  phase?: PodPhase
  ready?: boolean
  /** When Ready turned True, ms. */
  readySince?: number
  deleting?: boolean
  spec?: PodSpec
  observedBy?: string
}

export function makePod(name: string, init: PodInit = {}): Pod {
  const ready = init.ready === true
  const hasStatus = init.phase !== undefined || ready || init.observedBy !== undefined
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name,
      namespace: init.namespace ?? 'default',
      uid: `uid-${name}`,
      labels: init.labels ?? {},
      creationTimestamp: iso(T0 + (init.age ?? 0)),
      ...(init.owner != null ? { ownerReferences: [controllerRefTo(init.owner)] } : {}),
      ...(init.deleting === true ? { deletionTimestamp: iso(T0) } : {}),
    },
    spec: init.spec ?? webSpec,
    ...(hasStatus
      ? {
          status: {
            ...(init.phase !== undefined ? { phase: init.phase } : {}),
            ...(init.observedBy !== undefined ? { observedBy: init.observedBy } : {}),
            conditions: [{ type: 'Ready', status: ready ? 'True' : 'False', ...(init.readySince !== undefined ? { lastTransitionTime: iso(init.readySince) } : {}) }],
          },
        }
      : {}),
  }
}

export function makeBinding(pod: Pod, nodeId = 'peer-a', nodeName = 'a'): Binding {
  return {
    podUid: pod.metadata.uid ?? '',
    namespace: pod.metadata.namespace ?? 'default',
    name: pod.metadata.name,
    nodeId,
    nodeName,
    cpuMillis: 0,
    memoryBytes: 0,
    hostPorts: [],
    ports: [],
  }
}

export function bindingsOf(pods: readonly Pod[]): Map<string, Binding> {
  return new Map(pods.map((p) => [p.metadata.uid ?? '', makeBinding(p)]))
}

/** Name suffixes s0001, s0002, ...: unique and predictable. */
export function sequentialSuffixes(): () => string {
  let n = 0
  return () => `s${String(++n).padStart(4, '0')}`
}
