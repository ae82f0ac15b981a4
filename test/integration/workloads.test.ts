import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { TestCluster } from '../harness/in-process.js'
import type { TestAgent } from '../harness/in-process.js'
import { boundPods } from '../harness/raft-view.js'
import { countBy, podsOf, processRc } from '../harness/workloads.js'
import { sleep, waitFor } from '../harness/wait.js'

const config = { raft: { tickMs: 20, electionTicks: 10, heartbeatTicks: 1, voterReplaceMs: 30_000, snapshotEntries: 10_000 } }

interface EventItem {
  reason: string
  message: string
  type: string
  involvedObject: { kind: string; name: string }
}

async function eventsOf(agent: TestAgent): Promise<EventItem[]> {
  return (await agent.api.ok<{ items: EventItem[] }>('/api/v1/namespaces/default/events')).items
}

async function createPod(agent: TestAgent, name: string, spec: Record<string, unknown>): Promise<void> {
  const r = await agent.api.request('POST', '/api/v1/namespaces/default/pods', { apiVersion: 'v1', kind: 'Pod', metadata: { name, labels: { app: name } }, spec: { runtimeClassName: 'process', terminationGracePeriodSeconds: 1, ...spec } })
  expect(r.status).toBe(201)
}

/** Read a streamed response until `enough` says so or the time is up, then hang up. */
async function readStream(url: string, token: string, enough: (text: string) => boolean, timeoutMs = 20_000): Promise<string> {
  const abort = new AbortController()
  const timer = setTimeout(() => abort.abort(), timeoutMs)
  let text = ''
  try {
    const res = await fetch(url, { headers: { authorization: `Bearer ${token}` }, signal: abort.signal })
    expect(res.status).toBe(200)
    const decoder = new TextDecoder()
    for await (const chunk of res.body!) {
      text += decoder.decode(chunk as Uint8Array, { stream: true })
      if (enough(text)) break
    }
  } catch (err) {
    if (!abort.signal.aborted) throw err
  } finally {
    clearTimeout(timer)
    abort.abort()
  }
  return text
}

describe('workloads (in-process agents, process runtime)', () => {
  let cluster: TestCluster | undefined

  afterEach(async () => {
    await cluster?.close()
    cluster = undefined
  })

  it('runs a replication controller of 6 replicas spread 2/2/2, and scales it up and down', async () => {
    cluster = await TestCluster.start(3, { config })
    const [a] = cluster.agents
    await waitFor(async () => (await a!.api.ok<{ raft: { voters: string[] } }>('/shoal/v1/cluster')).raft.voters.length === 3, { timeoutMs: 20_000 })
    await a!.agent.store.create('replicationcontrollers', processRc('sleepy', 6, 'sleep 300') as never)
    const running = await waitFor(async () => {
      const pods = await podsOf(cluster!.agents[1]!.api, 'app=sleepy')
      return pods.length === 6 && pods.every((p) => p.phase === 'Running' && p.ready) ? pods : undefined
    }, { timeoutMs: 30_000, message: '6 replicas running' })
    expect(Object.values(countBy(running, (p) => p.node)).sort()).toEqual([2, 2, 2])
    await a!.agent.store.patch('replicationcontrollers', 'default', 'sleepy', { spec: { replicas: 9 } })
    await waitFor(async () => (await podsOf(cluster!.agents[2]!.api, 'app=sleepy')).filter((p) => p.phase === 'Running').length === 9, { timeoutMs: 30_000, message: 'scaled to 9' })
    await a!.agent.store.patch('replicationcontrollers', 'default', 'sleepy', { spec: { replicas: 2 } })
    await waitFor(async () => (await podsOf(cluster!.agents[0]!.api, 'app=sleepy')).length === 2, { timeoutMs: 30_000, message: 'scaled to 2' })
  })
})

describe('workload lifecycle on three agents (process runtime)', () => {
  let cluster: TestCluster
  let agents: TestAgent[]

  beforeAll(async () => {
    cluster = await TestCluster.start(3, { config })
    agents = cluster.agents
    await waitFor(async () => (await agents[0]!.api.ok<{ raft: { voters: string[] } }>('/shoal/v1/cluster')).raft.voters.length === 3, { timeoutMs: 30_000 })
  })

  afterAll(async () => {
    await cluster?.close()
  })

  it('records Scheduled and Started, and FailedScheduling with PodScheduled=False for a pod that fits nowhere', async () => {
    const [a] = agents
    await createPod(a!, 'ev-ok', { containers: [{ name: 'main', command: ['sleep', '300'] }] })
    await createPod(a!, 'ev-picky', { nodeSelector: { disk: 'ssd' }, containers: [{ name: 'main', command: ['sleep', '300'] }] })
    await waitFor(async () => (await podsOf(a!.api, 'app=ev-ok'))[0]?.phase === 'Running', { timeoutMs: 30_000, message: 'ev-ok running' })
    const events = await waitFor(async () => {
      const list = await eventsOf(agents[1]!)
      const mine = (name: string, reason: string): boolean => list.some((e) => e.involvedObject.name === name && e.reason === reason)
      return mine('ev-ok', 'Scheduled') && mine('ev-ok', 'Started') && mine('ev-picky', 'FailedScheduling') ? list : undefined
    }, { timeoutMs: 20_000, message: 'Scheduled, Started and FailedScheduling events' })
    const failed = events.find((e) => e.involvedObject.name === 'ev-picky' && e.reason === 'FailedScheduling')!
    expect(failed.type).toBe('Warning')
    expect(failed.message).toBe("0/3 nodes are available: 3 node(s) didn't match node selector.")
    expect(events.find((e) => e.involvedObject.name === 'ev-ok' && e.reason === 'Scheduled')!.message).toMatch(/^Successfully assigned default\/ev-ok to n[123]$/)
    const picky = await agents[2]!.api.ok<{ status: { phase: string; conditions: { type: string; status: string; reason: string; message: string }[] } }>('/api/v1/namespaces/default/pods/ev-picky')
    expect(picky.status.phase).toBe('Pending')
    expect(picky.status.conditions).toContainEqual(expect.objectContaining({ type: 'PodScheduled', status: 'False', reason: 'Unschedulable', message: failed.message }))
  })

  it('serves logs at a node that does not run the pod: container, tailLines and follow', async () => {
    const [a] = agents
    const script = 'i=0; while true; do i=$((i+1)); echo "$CNAME line $i"; sleep 0.2; done'
    await createPod(a!, 'chatty', {
      containers: [
        { name: 'one', command: ['sh', '-c', script], env: [{ name: 'CNAME', value: 'one' }] },
        { name: 'two', command: ['sh', '-c', script], env: [{ name: 'CNAME', value: 'two' }] },
      ],
    })
    const pod = await waitFor(async () => {
      const p = (await podsOf(a!.api, 'app=chatty'))[0]
      return p?.phase === 'Running' ? p : undefined
    }, { timeoutMs: 30_000, message: 'chatty running' })
    const elsewhere = agents.find((x) => x.name !== pod.node)!
    const path = '/api/v1/namespaces/default/pods/chatty/log'
    expect((await elsewhere.api.get(path)).status).toBe(400) // two containers: one must be named
    await waitFor(async () => (String((await elsewhere.api.get<string>(`${path}?container=two`)).body).match(/two line/g) ?? []).length >= 5, { message: 'some lines written' })
    const tail = await elsewhere.api.get<string>(`${path}?container=two&tailLines=2`)
    expect(tail.status).toBe(200)
    const lines = String(tail.body).trim().split('\n')
    expect(lines).toHaveLength(2)
    expect(lines.every((l) => /^two line \d+$/.test(l))).toBe(true)
    // follow: the last line now, then lines written after the request, through the forwarding node
    const last = Number(/(\d+)$/.exec(lines[1]!)![1])
    const followed = await readStream(`${elsewhere.api.url}${path}?container=two&tailLines=1&follow=true`, elsewhere.api.token, (t) => {
      const n = [...t.matchAll(/two line (\d+)/g)].map((m) => Number(m[1]))
      return n.some((x) => x >= last + 3)
    })
    const numbers = [...followed.matchAll(/two line (\d+)/g)].map((m) => Number(m[1]))
    expect(numbers.length).toBeGreaterThanOrEqual(3)
    expect(numbers.some((x) => x >= last + 3)).toBe(true)
    expect(followed).not.toMatch(/one line/)
  })

  it('a finished pod gives its resources back, keeps its phase, node and logs', async () => {
    const [a, b] = agents
    await createPod(a!, 'job', {
      restartPolicy: 'Never',
      containers: [{ name: 'main', command: ['sh', '-c', 'echo job-done; exit 0'], resources: { requests: { cpu: '250m', memory: '64Mi' } }, ports: [{ containerPort: 9000, hostPort: 31999 }] }],
    })
    const done = await waitFor(async () => {
      const p = (await podsOf(b!.api, 'app=job'))[0]
      return p?.phase === 'Succeeded' ? p : undefined
    }, { timeoutMs: 30_000, message: 'job Succeeded' })
    await waitFor(async () => (await Promise.all(agents.map((x) => boundPods(x.api)))).every((uids) => !uids.includes(done.uid)), { timeoutMs: 20_000, message: 'binding released everywhere' })
    const after = (await podsOf(agents[2]!.api, 'app=job'))[0]!
    expect(after.phase).toBe('Succeeded')
    expect(after.node).toBe(done.node)
    // The node keeps the exited container: its logs still answer, also through another node.
    const other = agents.find((x) => x.name !== done.node)!
    await sleep(1500)
    const logs = await other.api.get<string>('/api/v1/namespaces/default/pods/job/log')
    expect(logs.status).toBe(200)
    expect(String(logs.body)).toContain('job-done')
    // Its fixed host port is free again: another pod can take it on the same node.
    await createPod(a!, 'job2', {
      nodeSelector: { 'shoal.io/hostname': done.node },
      containers: [{ name: 'main', command: ['sleep', '300'], ports: [{ containerPort: 9000, hostPort: 31999 }] }],
    })
    await waitFor(async () => (await podsOf(a!.api, 'app=job2'))[0]?.phase === 'Running', { timeoutMs: 30_000, message: 'job2 takes the freed port' })
  })

  it('rejects a replication controller whose template restartPolicy is not Always', async () => {
    const rc = processRc('never', 1, 'true') as { spec: { template: { spec: Record<string, unknown> } } }
    rc.spec.template.spec['restartPolicy'] = 'Never'
    const r = await agents[0]!.api.request<{ details: { causes: { field: string }[] } }>('POST', '/api/v1/namespaces/default/replicationcontrollers', rc)
    expect(r.status).toBe(422)
    expect(r.body.details.causes.map((c) => c.field)).toContain('spec.template.spec.restartPolicy')
  })

  it("collects a replication controller's pods once it is deleted", async () => {
    const [a, b] = agents
    expect((await a!.api.request('POST', '/api/v1/namespaces/default/replicationcontrollers', processRc('gc', 3, 'sleep 300'))).status).toBe(201)
    const pods = await waitFor(async () => {
      const p = await podsOf(b!.api, 'app=gc')
      return p.length === 3 && p.every((x) => x.phase === 'Running') ? p : undefined
    }, { timeoutMs: 30_000, message: 'gc pods running' })
    expect((await b!.api.request('DELETE', '/api/v1/namespaces/default/replicationcontrollers/gc')).status).toBe(200)
    await waitFor(async () => (await podsOf(a!.api, 'app=gc')).length === 0, { timeoutMs: 30_000, message: 'pods collected' })
    await waitFor(async () => {
      for (const x of agents) {
        const containers = (await x.api.ok<{ items: { podUid: string }[] }>('/shoal/v1/containers')).items
        if (containers.some((c) => pods.some((p) => p.uid === c.podUid))) return false
      }
      return true
    }, { timeoutMs: 30_000, message: 'their containers stopped and removed' })
    await waitFor(async () => (await boundPods(a!.api)).every((uid) => !pods.some((p) => p.uid === uid)), { message: 'bindings released' })
  })

  // Last: it cuts a node off for good.
  it('records NodeNotReady on the node and its pods, then Rescheduled, and places the pods again', async () => {
    const [a] = agents
    expect((await a!.api.request('POST', '/api/v1/namespaces/default/replicationcontrollers', processRc('moving', 3, 'sleep 300'))).status).toBe(201)
    const before = await waitFor(async () => {
      const p = await podsOf(a!.api, 'app=moving')
      return p.length === 3 && p.every((x) => x.phase === 'Running') ? p : undefined
    }, { timeoutMs: 30_000, message: 'moving pods running' })
    const leader = (await a!.api.ok<{ raft: { leader: string } }>('/shoal/v1/cluster')).raft.leader
    const victim = agents.find((x) => x.peerId !== leader && before.some((p) => p.node === x.name))!
    const lost = before.find((p) => p.node === victim.name)!
    const rest = agents.filter((x) => x !== victim)
    victim.cut(...rest)
    const watcher = rest[0]!
    await waitFor(async () => {
      const p = (await podsOf(watcher.api, 'app=moving')).find((x) => x.uid === lost.uid)
      return p !== undefined && p.phase === 'Running' && p.node !== victim.name
    }, { timeoutMs: 40_000, message: 'the lost replica runs elsewhere' })
    const events = await waitFor(async () => {
      const list = await eventsOf(watcher)
      const on = (kind: string, name: string, reason: string): boolean => list.some((e) => e.involvedObject.kind === kind && e.involvedObject.name === name && e.reason === reason)
      return on('Pod', lost.name, 'NodeNotReady') && on('Pod', lost.name, 'Rescheduled') && on('Node', victim.name, 'NodeNotReady') ? list : undefined
    }, { timeoutMs: 20_000, message: 'NodeNotReady and Rescheduled events' })
    expect(events.filter((e) => e.involvedObject.name === lost.name && e.reason === 'Scheduled')).toHaveLength(2)
    expect(events.find((e) => e.involvedObject.name === lost.name && e.reason === 'Rescheduled')!.message).toBe(`node ${victim.name} is down`)
  })
})
