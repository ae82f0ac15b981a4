import type { ProcessAgent } from '../harness/processes.js'
import { containersOf, podsOf } from '../harness/workloads.js'

export interface Digest {
  store: string
  raft: { applied: number; commit: number; term: number; table: string; bindings: number }
}

export interface CheckResult {
  name: string
  ok: boolean
  detail: string
}

async function digestOf(a: ProcessAgent): Promise<Digest> {
  return a.api.ok<Digest>('/shoal/v1/debug/digest')
}

/** Every agent is up after the heal: a crashed agent must not hide from the other checks. */
export function allRunning(agents: ProcessAgent[]): CheckResult {
  const dead = agents.filter((a) => !a.running)
  return {
    name: 'every agent running',
    ok: dead.length === 0,
    detail: dead.length === 0 ? `${agents.length} agents up` : dead.map((a) => `${a.name} exited ${a.child?.exitCode ?? a.child?.signalCode}: ${a.stderr.trim().split('\n').slice(-25).join(' | ')}`).join('; '),
  }
}

/** Every node holds the same replicated document. */
export async function identicalObjects(agents: ProcessAgent[]): Promise<CheckResult> {
  const digests = await Promise.all(agents.map(async (a) => `${a.name}:${(await digestOf(a)).store.slice(0, 12)}`))
  const distinct = new Set(digests.map((d) => d.split(':')[1]))
  return { name: 'identical objects on every node', ok: distinct.size === 1, detail: digests.join(' ') }
}

/** Every node applied the same committed allocation log up to the same index. */
export async function agreedRaftLog(agents: ProcessAgent[]): Promise<CheckResult> {
  const digests = await Promise.all(agents.map(async (a) => ({ name: a.name, d: (await digestOf(a)).raft })))
  const keys = new Set(digests.map((x) => `${x.d.applied}/${x.d.table}`))
  return {
    name: 'every node agrees on the committed raft log',
    ok: keys.size === 1,
    detail: digests.map((x) => `${x.name}: applied ${x.d.applied}, ${x.d.bindings} bindings, table ${x.d.table.slice(0, 12)}`).join('; '),
  }
}

/** No acknowledged write is missing on any node. */
export async function noLostWrites(agents: ProcessAgent[], acked: string[]): Promise<CheckResult> {
  const missing: string[] = []
  for (const a of agents) {
    const list = await a.api.ok<{ items: { metadata: { name: string } }[] }>('/api/v1/namespaces/default/events')
    const names = new Set(list.items.map((e) => e.metadata.name))
    for (const n of acked) if (!names.has(n)) missing.push(`${a.name}:${n}`)
  }
  return { name: 'no acknowledged write lost', ok: missing.length === 0, detail: missing.length === 0 ? `${acked.length} acknowledged writes present everywhere` : `missing ${missing.slice(0, 10).join(', ')}${missing.length > 10 ? ` (+${missing.length - 10})` : ''}` }
}

/** Each controller has exactly `replicas` Running pods, and no pod runs on two nodes. */
export async function exactReplicas(agents: ProcessAgent[], controllers: string[]): Promise<CheckResult> {
  const problems: string[] = []
  const running = new Map<string, string[]>()
  for (const a of agents) {
    for (const c of await containersOf(a.api)) if (c.state === 'running') running.set(c.podUid, [...(running.get(c.podUid) ?? []), a.name])
  }
  for (const [uid, nodes] of running) if (nodes.length > 1) problems.push(`pod ${uid} runs on ${nodes.join(' and ')}`)
  const observer = agents[0]!
  for (const name of controllers) {
    const rc = await observer.api.ok<{ spec: { replicas: number } }>(`/api/v1/namespaces/default/replicationcontrollers/${name}`)
    const pods = await podsOf(observer.api, `app=${name}`)
    const runningPods = pods.filter((p) => p.phase === 'Running' && running.has(p.uid))
    if (pods.length !== rc.spec.replicas || runningPods.length !== rc.spec.replicas) {
      problems.push(`${name}: want ${rc.spec.replicas}, have ${pods.length} pods, ${runningPods.length} running`)
    }
  }
  return { name: 'exact replicas, none running twice', ok: problems.length === 0, detail: problems.length === 0 ? controllers.join(', ') + ' exact' : problems.join('; ') }
}
