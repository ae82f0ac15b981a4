import type { NodeObservation, Observed, ProcessObservation } from './observations.js'
import { isUnreadable } from './observations.js'
import type { AllowedReplicas } from './scale-history.js'

export interface CheckResult {
  name: string
  ok: boolean
  detail: string
}

function result(name: string, problems: string[], okDetail: string): CheckResult {
  const shown = problems.slice(0, 10).join('; ') + (problems.length > 10 ? ` (+${problems.length - 10})` : '')
  return { name, ok: problems.length === 0, detail: problems.length === 0 ? okDetail : shown }
}

/** Readable nodes, and a problem line for each node that could not be read (which fails any check). */
function split(nodes: readonly Observed[]): { readable: NodeObservation[]; problems: string[] } {
  const readable: NodeObservation[] = []
  const problems: string[] = []
  for (const n of nodes) {
    if (isUnreadable(n)) problems.push(`${n.name} unreadable: ${n.error}`)
    else readable.push(n)
  }
  if (nodes.length === 0) problems.push('no node to observe')
  return { readable, problems }
}

function matches(selector: Readonly<Record<string, string>>, labels: Readonly<Record<string, string>>): boolean {
  return Object.entries(selector).every(([k, v]) => labels[k] === v)
}

/** Every agent is up after the heal: a crashed agent must not hide from the other checks. */
export function allRunning(procs: readonly ProcessObservation[]): CheckResult {
  const dead = procs.filter((p) => !p.running)
  return result('every agent running', dead.map((p) => `${p.name} down: ${p.detail}`), `${procs.length} agents up`)
}

/** Every node holds the same replicated document. */
export function identicalObjects(nodes: readonly Observed[]): CheckResult {
  const { readable, problems } = split(nodes)
  const line = readable.map((n) => `${n.name}:${n.store.slice(0, 12)}`).join(' ')
  if (new Set(readable.map((n) => n.store)).size > 1) problems.push(`documents differ: ${line}`)
  return result('identical objects on every node', problems, line)
}

/** No acknowledged write is missing on any node. */
export function noLostWrites(nodes: readonly Observed[], acked: readonly string[]): CheckResult {
  const { readable, problems } = split(nodes)
  for (const n of readable) {
    const held = new Set(n.events)
    const missing = acked.filter((a) => !held.has(a))
    if (missing.length > 0) problems.push(`${n.name} misses ${missing.length}: ${missing.slice(0, 5).join(', ')}`)
  }
  return result('no acknowledged write lost', problems, `${acked.length} acknowledged writes present everywhere`)
}

/**
 * Each controller has exactly spec.replicas pods, all Running on their committed node; no pod runs
 * on two nodes; and no node runs a container for a pod that is not bound to it (fencing).
 */
export function exactReplicas(nodes: readonly Observed[], controllers: readonly string[]): CheckResult {
  const { readable, problems } = split(nodes)
  const runsOn = new Map<string, string[]>()
  for (const n of readable) for (const uid of n.runningPodUids) runsOn.set(uid, [...(runsOn.get(uid) ?? []), n.name])
  for (const [uid, where] of runsOn) if (where.length > 1) problems.push(`pod ${uid} runs on ${where.join(' and ')}`)
  for (const n of readable) {
    const bound = new Map(n.pods.map((p) => [p.uid, p]))
    for (const uid of n.runningPodUids) {
      const pod = bound.get(uid)
      if (pod === undefined || pod.node !== n.name) problems.push(`${n.name} runs pod ${pod?.name ?? uid}, bound to ${pod === undefined ? 'nothing' : pod.node || 'no node'}`)
    }
    for (const c of controllers) {
      const want = n.replicas[c]
      const pods = n.pods.filter((p) => p.labels['app'] === c)
      const running = pods.filter((p) => p.phase === 'Running' && (runsOn.get(p.uid) ?? []).includes(p.node))
      if (want === undefined) problems.push(`${n.name}: controller ${c} missing`)
      else if (pods.length !== want || running.length !== want) problems.push(`${n.name}: ${c} wants ${want}, has ${pods.length} pods, ${running.length} running`)
    }
  }
  return result('exact replicas, none running twice', problems, `${controllers.join(', ')} exact`)
}

/** Each controller's final spec.replicas is the scale the client may expect (see allowedReplicas). */
export function scalesHonoured(nodes: readonly Observed[], allowed: Readonly<Record<string, AllowedReplicas>>): CheckResult {
  const { readable, problems } = split(nodes)
  const summary: string[] = []
  for (const [c, a] of Object.entries(allowed)) {
    const seen = readable.map((n) => ({ node: n.name, replicas: n.replicas[c] }))
    const wrong = seen.filter((s) => s.replicas === undefined || !a.values.includes(s.replicas))
    if (wrong.length > 0) problems.push(`${c}: ${wrong.map((w) => `${w.node} has ${w.replicas ?? 'none'}`).join(', ')}; want ${a.values.join(' or ')} (${a.reason})`)
    summary.push(`${c}=${seen[0]?.replicas ?? '?'} (${a.reason})`)
  }
  return result('final scale is the last acknowledged one', problems, summary.join(', '))
}

/** Each node's Endpoints for the service list exactly the Ready, Running pods its selector picks. */
export function serviceEndpoints(nodes: readonly Observed[], service: string, selector: Readonly<Record<string, string>>): CheckResult {
  const { readable, problems } = split(nodes)
  for (const n of readable) {
    if (n.endpoints === undefined) {
      problems.push(`${n.name}: no endpoints for ${service}`)
      continue
    }
    const want = new Map(n.pods.filter((p) => matches(selector, p.labels) && p.phase === 'Running' && p.ready && p.hostIP !== '').map((p) => [p.uid, p]))
    const have = new Map(n.endpoints.map((e) => [e.podUid, e]))
    const missing = [...want.values()].filter((p) => !have.has(p.uid)).map((p) => p.name)
    const extra = n.endpoints.filter((e) => !want.has(e.podUid)).map((e) => e.podName)
    const wrongAddr = n.endpoints.filter((e) => want.has(e.podUid) && (e.ip !== want.get(e.podUid)!.hostIP || e.ports.length === 0)).map((e) => `${e.podName}@${e.ip}`)
    if (missing.length > 0) problems.push(`${n.name}: ready pods missing from endpoints: ${missing.join(', ')}`)
    if (extra.length > 0) problems.push(`${n.name}: endpoints without a ready pod: ${extra.join(', ')}`)
    if (wrongAddr.length > 0) problems.push(`${n.name}: endpoints with a wrong address: ${wrongAddr.join(', ')}`)
    if (want.size === 0) problems.push(`${n.name}: ${service} selects no ready pod`)
  }
  const counts = readable.map((n) => `${n.name}:${n.endpoints?.length ?? 0}`).join(' ')
  return result('service endpoints equal its ready pods', problems, `ready endpoints ${counts}`)
}

/** A request through every node's service proxy reaches one of the service's ready pods. */
export function serviceReachable(nodes: readonly Observed[], service: string): CheckResult {
  const { readable, problems } = split(nodes)
  const served: string[] = []
  for (const n of readable) {
    const backends = new Set((n.endpoints ?? []).map((e) => e.podName))
    const p = n.proxy
    if (p.error !== undefined) problems.push(`${n.name}: request to ${service} failed: ${p.error}`)
    else if (p.status !== 200) problems.push(`${n.name}: ${service} answered ${p.status}`)
    else if (!backends.has(p.body ?? '')) problems.push(`${n.name}: ${service} answered from ${JSON.stringify(p.body)}, not a ready endpoint`)
    else served.push(`${n.name}→${p.body}`)
  }
  return result('service answers through every node', problems, served.join(' '))
}

/**
 * Every node applied the committed raft log up to the leader's commit index, in the same term,
 * and holds the same allocation table. Checked only once all have caught up, so a follower one
 * heartbeat behind fails a round and passes the next rather than failing the run.
 */
export function agreedRaftLog(nodes: readonly Observed[]): CheckResult {
  const { readable, problems } = split(nodes)
  const leaders = readable.filter((n) => n.raft.role === 'leader')
  const line = readable.map((n) => `${n.name}: term ${n.raft.term}, applied ${n.raft.applied}, ${n.raft.bindings} bindings at ${n.raft.tableIndex}, table ${n.raft.table.slice(0, 12)}`).join('; ')
  if (leaders.length !== 1) problems.push(`${leaders.length} leaders (${leaders.map((l) => l.name).join(', ')})`)
  const leader = leaders[0]
  if (leader !== undefined) {
    const behind = readable.filter((n) => n.raft.applied !== leader.raft.commit)
    if (behind.length > 0) problems.push(`leader ${leader.name} committed ${leader.raft.commit}, applied ${behind.map((n) => `${n.name}:${n.raft.applied}`).join(' ')}`)
  }
  if (new Set(readable.map((n) => n.raft.term)).size > 1) problems.push(`terms differ: ${readable.map((n) => `${n.name}:${n.raft.term}`).join(' ')}`)
  if (new Set(readable.map((n) => `${n.raft.tableIndex}/${n.raft.table}`)).size > 1) problems.push(`allocation tables differ: ${line}`)
  return result('every node agrees on the committed raft log', problems, line)
}
