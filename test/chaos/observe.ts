import { httpGet } from '../harness/http-pod.js'
import type { ProcessAgent } from '../harness/processes.js'
import { raftView } from '../harness/raft-view.js'
import { containersOf } from '../harness/workloads.js'
import type { EndpointObservation, NodeObservation, Observed, PodObservation, ProcessObservation, ProxyObservation } from './observations.js'

/** What the run asks of each node besides its state: the service to look at and the controllers. */
export interface ObserveTarget {
  service: string
  servicePort: number
  controllers: readonly string[]
}

interface Digest {
  store: string
  raft: { applied: number; table: string; bindings: number }
}

interface RawPod {
  metadata: { name: string; uid: string; labels?: Record<string, string> }
  spec: { nodeName?: string }
  status?: { phase?: string; hostIP?: string; conditions?: { type: string; status: string }[] }
}

interface RawEndpoints {
  subsets?: { addresses?: { ip: string; targetRef?: { name: string; uid: string } }[]; ports?: { port: number }[] }[]
}

export function observeProcesses(agents: readonly ProcessAgent[]): ProcessObservation[] {
  return agents.map((a) => ({
    name: a.name,
    running: a.running,
    detail: a.running ? 'up' : `exited ${a.child?.exitCode ?? a.child?.signalCode}: ${a.stderr.trim().split('\n').slice(-25).join(' | ')}`,
  }))
}

function toPod(p: RawPod): PodObservation {
  return {
    name: p.metadata.name,
    uid: p.metadata.uid,
    labels: p.metadata.labels ?? {},
    node: p.spec.nodeName ?? '',
    hostIP: p.status?.hostIP ?? '',
    phase: p.status?.phase ?? '',
    ready: p.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') === true,
  }
}

function toEndpoints(e: RawEndpoints): EndpointObservation[] {
  return (e.subsets ?? []).flatMap((s) =>
    (s.addresses ?? []).map((a) => ({ podName: a.targetRef?.name ?? '', podUid: a.targetRef?.uid ?? '', ip: a.ip, ports: (s.ports ?? []).map((p) => p.port) })),
  )
}

async function proxyRequest(host: string, port: number): Promise<ProxyObservation> {
  try {
    const r = await httpGet(host, port)
    return { status: r.status, body: r.body }
  } catch (err) {
    return { error: err instanceof Error ? err.message : String(err) }
  }
}

/** Read one node's view through its API and its service proxy; a node that cannot be read says why. */
export async function observeNode(agent: ProcessAgent, target: ObserveTarget): Promise<Observed> {
  if (!agent.running) return { name: agent.name, error: 'not running' }
  try {
    const api = agent.api
    const [view, digest, events, containers, pods, endpoints] = await Promise.all([
      raftView(api),
      api.ok<Digest>('/shoal/v1/debug/digest'),
      api.ok<{ items: { metadata: { name: string } }[] }>('/api/v1/namespaces/default/events'),
      containersOf(api),
      api.ok<{ items: RawPod[] }>('/api/v1/namespaces/default/pods'),
      api.get<RawEndpoints>(`/api/v1/namespaces/default/endpoints/${target.service}`),
    ])
    const replicas: Record<string, number> = {}
    for (const c of target.controllers) {
      const rc = await api.get<{ spec: { replicas: number } }>(`/api/v1/namespaces/default/replicationcontrollers/${c}`)
      if (rc.status === 200) replicas[c] = rc.body.spec.replicas
    }
    const node: NodeObservation = {
      name: agent.name,
      store: digest.store,
      raft: { role: view.role, term: view.term, commit: view.commit, applied: view.applied, table: digest.raft.table, tableIndex: digest.raft.applied, bindings: digest.raft.bindings },
      events: events.items.map((e) => e.metadata.name),
      runningPodUids: [...new Set(containers.filter((c) => c.state === 'running').map((c) => c.podUid))],
      pods: pods.items.map(toPod),
      replicas,
      endpoints: endpoints.status === 200 ? toEndpoints(endpoints.body) : undefined,
      proxy: await proxyRequest(agent.options.serviceAddress ?? '127.0.0.1', target.servicePort),
    }
    return node
  } catch (err) {
    return { name: agent.name, error: err instanceof Error ? err.message : String(err) }
  }
}
