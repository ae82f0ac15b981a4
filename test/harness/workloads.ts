import type { TestApi } from './api.js'

export interface PodSummary {
  name: string
  uid: string
  node: string
  phase: string
  ready: boolean
  restarts: number
}

interface PodLike {
  metadata: { name: string; uid: string; labels?: Record<string, string> }
  spec: { nodeName?: string }
  status?: { phase?: string; conditions?: { type: string; status: string }[]; containerStatuses?: { restartCount: number }[] }
}

/** Pods as one agent's API shows them (with the committed node and effective phase). */
export async function podsOf(api: TestApi, selector = ''): Promise<PodSummary[]> {
  const q = selector === '' ? '' : `?labelSelector=${encodeURIComponent(selector)}`
  const list = await api.ok<{ items: PodLike[] }>(`/api/v1/namespaces/default/pods${q}`)
  return list.items.map((p) => ({
    name: p.metadata.name,
    uid: p.metadata.uid,
    node: p.spec.nodeName ?? '',
    phase: p.status?.phase ?? '',
    ready: p.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') === true,
    restarts: (p.status?.containerStatuses ?? []).reduce((n, c) => n + c.restartCount, 0),
  }))
}

export function countBy<T>(items: T[], key: (t: T) => string): Record<string, number> {
  const out: Record<string, number> = {}
  for (const i of items) out[key(i)] = (out[key(i)] ?? 0) + 1
  return out
}

/** A replication controller manifest for `app=NAME` pods with one container. */
export function rcManifest(name: string, replicas: number, container: Record<string, unknown>, opts: { runtime?: 'process' | 'docker'; graceSeconds?: number } = {}): Record<string, unknown> {
  return {
    apiVersion: 'v1',
    kind: 'ReplicationController',
    metadata: { name, namespace: 'default' },
    spec: {
      replicas,
      selector: { app: name },
      template: {
        metadata: { labels: { app: name } },
        spec: {
          runtimeClassName: opts.runtime ?? 'process',
          terminationGracePeriodSeconds: opts.graceSeconds ?? 2,
          containers: [{ name: 'main', ...container }],
        },
      },
    },
  }
}

/** A replication controller whose pods run a shell command with the process runtime. */
export function processRc(name: string, replicas: number, command: string, extra: { ports?: { name?: string; containerPort: number }[] } = {}): Record<string, unknown> {
  return rcManifest(name, replicas, { command: ['sh', '-c', command], ...(extra.ports !== undefined ? { ports: extra.ports } : {}) })
}

export interface RunningContainer {
  id: string
  podUid: string
  podName: string
  containerName: string
  state: string
  pid?: number
}

/** Containers one node's runtimes report (its /shoal/v1/containers). */
export async function containersOf(api: TestApi): Promise<RunningContainer[]> {
  return (await api.ok<{ items: RunningContainer[] }>('/shoal/v1/containers')).items
}

/** Running containers per pod uid over the given nodes: a replica must run on one node only. */
export async function runningByPod(apis: TestApi[]): Promise<Map<string, number>> {
  const counts = new Map<string, number>()
  for (const api of apis) {
    for (const c of await containersOf(api)) if (c.state === 'running') counts.set(c.podUid, (counts.get(c.podUid) ?? 0) + 1)
  }
  return counts
}
