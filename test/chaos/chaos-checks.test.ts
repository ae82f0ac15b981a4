import { describe, expect, it } from 'vitest'
import { agreedRaftLog, allRunning, exactReplicas, identicalObjects, noLostWrites, scalesHonoured, serviceEndpoints, serviceReachable } from './chaos-checks.js'
import type { NodeObservation, Observed, PodObservation } from './observations.js'
import { allowedReplicas } from './scale-history.js'

// Each check is fed a healthy cluster (it must pass) and then one broken state (it must fail):
// a check that cannot fail proves nothing.

const SELECTOR = { app: 'web' }

function pod(name: string, node: string, app: string, ready = true): PodObservation {
  const n = Number(node.slice(1))
  return { name, uid: `uid-${name}`, labels: { app }, node, hostIP: `127.0.0.${n}`, phase: 'Running', ready }
}

/** Three nodes that agree on everything: web has 2 replicas behind the service, work has 1. */
function healthy(): NodeObservation[] {
  const pods = [pod('web-a', 'n1', 'web'), pod('web-b', 'n2', 'web'), pod('work-a', 'n3', 'work')]
  const runsOn: Record<string, string[]> = { n1: ['uid-web-a'], n2: ['uid-web-b'], n3: ['uid-work-a'] }
  return ['n1', 'n2', 'n3'].map((name) => ({
    name,
    store: 'aaaa',
    raft: { role: name === 'n1' ? 'leader' : 'follower', term: 3, commit: 20, applied: 20, table: 'tttt', tableIndex: 18, bindings: 3 },
    events: ['w-1', 'w-2'],
    runningPodUids: runsOn[name]!,
    pods: pods.map((p) => ({ ...p, labels: { ...p.labels } })),
    replicas: { web: 2, work: 1 },
    endpoints: pods.filter((p) => p.labels['app'] === 'web').map((p) => ({ podName: p.name, podUid: p.uid, ip: p.hostIP, ports: [30001] })),
    proxy: { status: 200, body: 'web-a' },
  }))
}

function at(nodes: NodeObservation[], name: string): NodeObservation {
  return nodes.find((n) => n.name === name)!
}

const allowed = { web: allowedReplicas(3, [{ seq: 1, controller: 'web', replicas: 2, outcome: 'acked', seen: [] }]), work: allowedReplicas(1, []) }

const checks = {
  identical: (n: Observed[]) => identicalObjects(n),
  writes: (n: Observed[]) => noLostWrites(n, ['w-1', 'w-2']),
  replicas: (n: Observed[]) => exactReplicas(n, ['web', 'work']),
  scales: (n: Observed[]) => scalesHonoured(n, allowed),
  endpoints: (n: Observed[]) => serviceEndpoints(n, 'web', SELECTOR),
  proxy: (n: Observed[]) => serviceReachable(n, 'web'),
  raft: (n: Observed[]) => agreedRaftLog(n),
}

describe('chaos checks', () => {
  it('all pass on a healthy cluster', () => {
    for (const [label, check] of Object.entries(checks)) expect({ label, ...check(healthy()) }).toMatchObject({ label, ok: true })
    expect(allRunning([{ name: 'n1', running: true, detail: 'up' }]).ok).toBe(true)
  })

  it('a node that could not be read fails every check', () => {
    const nodes: Observed[] = [...healthy().slice(0, 2), { name: 'n3', error: 'ECONNREFUSED' }]
    for (const [label, check] of Object.entries(checks)) expect({ label, ...check(nodes) }).toMatchObject({ label, ok: false, detail: expect.stringContaining('n3 unreadable') })
  })

  it('fails a crashed agent', () => {
    const r = allRunning([{ name: 'n1', running: true, detail: 'up' }, { name: 'n2', running: false, detail: 'exited 1: boom' }])
    expect(r).toMatchObject({ ok: false, detail: expect.stringContaining('n2 down: exited 1: boom') })
  })

  it('fails different object digests', () => {
    const nodes = healthy()
    at(nodes, 'n2').store = 'bbbb'
    expect(checks.identical(nodes)).toMatchObject({ ok: false, detail: expect.stringContaining('documents differ') })
  })

  it('fails a missing acknowledged write', () => {
    const nodes = healthy()
    at(nodes, 'n3').events = ['w-1']
    expect(checks.writes(nodes)).toMatchObject({ ok: false, detail: 'n3 misses 1: w-2' })
  })

  it('fails a pod running on two nodes', () => {
    const nodes = healthy()
    at(nodes, 'n3').runningPodUids.push('uid-web-a')
    const r = checks.replicas(nodes)
    expect(r.ok).toBe(false)
    expect(r.detail).toContain('pod uid-web-a runs on n1 and n3')
    expect(r.detail).toContain('n3 runs pod web-a, bound to n1')
  })

  it('fails a container left running for a pod that is gone (no fencing)', () => {
    const nodes = healthy()
    at(nodes, 'n2').runningPodUids.push('uid-old')
    expect(checks.replicas(nodes)).toMatchObject({ ok: false, detail: 'n2 runs pod uid-old, bound to nothing' })
  })

  it('fails a wrong replica count, in pods or in running pods', () => {
    const extra = healthy()
    for (const n of extra) n.pods.push(pod('web-c', 'n3', 'web'))
    expect(checks.replicas(extra)).toMatchObject({ ok: false, detail: expect.stringContaining('web wants 2, has 3 pods') })
    const stopped = healthy()
    at(stopped, 'n2').runningPodUids = []
    expect(checks.replicas(stopped)).toMatchObject({ ok: false, detail: expect.stringContaining('web wants 2, has 2 pods, 1 running') })
  })

  it('fails a final scale that is not the last acknowledged one', () => {
    const nodes = healthy()
    for (const n of nodes) n.replicas['web'] = 3
    expect(checks.scales(nodes)).toMatchObject({ ok: false, detail: expect.stringContaining('want 2 (last acknowledged scale #1=2)') })
  })

  it('fails differing raft tables, a lagging node and a second leader', () => {
    const tables = healthy()
    at(tables, 'n3').raft.table = 'uuuu'
    expect(checks.raft(tables)).toMatchObject({ ok: false, detail: expect.stringContaining('allocation tables differ') })
    const lagging = healthy()
    at(lagging, 'n2').raft.applied = 19
    expect(checks.raft(lagging)).toMatchObject({ ok: false, detail: expect.stringContaining('leader n1 committed 20, applied n2:19') })
    const twoLeaders = healthy()
    at(twoLeaders, 'n3').raft.role = 'leader'
    expect(checks.raft(twoLeaders)).toMatchObject({ ok: false, detail: expect.stringContaining('2 leaders') })
  })

  it('fails a missing endpoint, an extra one, and a service without endpoints', () => {
    const missing = healthy()
    at(missing, 'n2').endpoints = at(missing, 'n2').endpoints!.slice(1)
    expect(checks.endpoints(missing)).toMatchObject({ ok: false, detail: 'n2: ready pods missing from endpoints: web-a' })
    const notReady = healthy()
    at(notReady, 'n1').pods.find((p) => p.name === 'web-b')!.ready = false
    expect(checks.endpoints(notReady)).toMatchObject({ ok: false, detail: 'n1: endpoints without a ready pod: web-b' })
    const none = healthy()
    at(none, 'n3').endpoints = undefined
    expect(checks.endpoints(none)).toMatchObject({ ok: false, detail: 'n3: no endpoints for web' })
  })

  it('fails a proxy that refuses, errs, or answers from outside the endpoints', () => {
    const refused = healthy()
    at(refused, 'n2').proxy = { error: 'connect ECONNREFUSED 127.0.0.2:18200' }
    expect(checks.proxy(refused)).toMatchObject({ ok: false, detail: expect.stringContaining('n2: request to web failed') })
    const stray = healthy()
    at(stray, 'n3').proxy = { status: 200, body: 'web-gone' }
    expect(checks.proxy(stray)).toMatchObject({ ok: false, detail: expect.stringContaining('not a ready endpoint') })
    const bad = healthy()
    at(bad, 'n1').proxy = { status: 502, body: '' }
    expect(checks.proxy(bad).ok).toBe(false)
  })
})

describe('allowed final replicas', () => {
  it('is the last acknowledged scale when it saw the ones before it', () => {
    const a = allowedReplicas(3, [
      { seq: 1, controller: 'c', replicas: 5, outcome: 'acked', seen: [] },
      { seq: 2, controller: 'c', replicas: 2, outcome: 'acked', seen: [1] },
    ])
    expect(a.values).toEqual([2])
  })

  it('allows either of two scales written on opposite sides of a partition', () => {
    const a = allowedReplicas(3, [
      { seq: 1, controller: 'c', replicas: 5, outcome: 'acked', seen: [] },
      { seq: 2, controller: 'c', replicas: 2, outcome: 'acked', seen: [] },
    ])
    expect(a.values).toEqual([2, 5])
  })

  it('keeps the initial value with no acknowledged scale, and unanswered ones as possible', () => {
    expect(allowedReplicas(3, []).values).toEqual([3])
    expect(allowedReplicas(3, [{ seq: 1, controller: 'c', replicas: 6, outcome: 'unknown', seen: [] }]).values).toEqual([3, 6])
    expect(allowedReplicas(3, [{ seq: 1, controller: 'c', replicas: 6, outcome: 'acked', seen: [] }]).values).toEqual([6])
  })
})
