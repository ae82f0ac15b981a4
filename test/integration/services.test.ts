import { createSocket } from 'node:dgram'
import dnsPacket from 'dns-packet'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { connectRefused, HTTP_POD_COMMAND, httpGet, httpRequest } from '../harness/http-pod.js'
import { TestCluster } from '../harness/in-process.js'
import { waitFor } from '../harness/wait.js'
import { podsOf, rcManifest } from '../harness/workloads.js'

let cluster: TestCluster
const SVC_PORT = 18080

function webRc(replicas: number): Record<string, unknown> {
  return rcManifest('web', replicas, { command: HTTP_POD_COMMAND, ports: [{ name: 'http', containerPort: 8080 }] })
}

beforeAll(async () => {
  cluster = await TestCluster.start(3, { config: { raft: { tickMs: 20, electionTicks: 10, heartbeatTicks: 1, voterReplaceMs: 30_000, snapshotEntries: 10_000 } } })
  const api = cluster.agents[0]!.api
  await waitFor(async () => (await api.ok<{ raft: { voters: string[] } }>('/shoal/v1/cluster')).raft.voters.length === 3, { timeoutMs: 20_000 })
  expect((await api.request('POST', '/api/v1/namespaces/default/replicationcontrollers', webRc(3))).status).toBe(201)
  const svc = { apiVersion: 'v1', kind: 'Service', metadata: { name: 'web' }, spec: { selector: { app: 'web' }, ports: [{ port: SVC_PORT, targetPort: 'http' }] } }
  expect((await api.request('POST', '/api/v1/namespaces/default/services', svc)).status).toBe(201)
  await waitFor(async () => (await podsOf(api, 'app=web')).filter((p) => p.phase === 'Running' && p.ready).length === 3, { timeoutMs: 30_000, message: 'web running' })
})

afterAll(async () => {
  await cluster?.close()
})

describe('services (in-process agents)', () => {
  it('serves endpoints with each ready pod\'s host IP and allocated port', async () => {
    const ep = await waitFor(async () => {
      const e = await cluster.agents[1]!.api.ok<{ subsets: { addresses: { ip: string; targetRef: { name: string } }[]; ports: { port: number }[] }[] }>(
        '/api/v1/namespaces/default/endpoints/web',
      )
      return e.subsets.flatMap((s) => s.addresses).length === 3 ? e : undefined
    }, { message: 'three endpoint addresses' })
    const ports = ep.subsets.flatMap((s) => s.ports.map((p) => p.port))
    expect(ports.every((p) => p >= 30000 && p <= 32767)).toBe(true)
  })

  it('each node\'s proxy reaches all three backends', async () => {
    for (const a of cluster.agents) {
      const host = a.options.serviceAddress!
      const seen = await waitFor(async () => {
        const names = new Set<string>()
        for (let i = 0; i < 12; i++) names.add((await httpGet(host, SVC_PORT)).body)
        return names.size === 3 ? names : undefined
      }, { message: `all backends via ${host}` })
      expect([...seen].every((n) => n.startsWith('web-'))).toBe(true)
    }
  })

  it('passes a 10 MB body through the proxy intact', async () => {
    const { createHash, randomBytes } = await import('node:crypto')
    const body = randomBytes(10 * 1024 * 1024)
    const r = await httpRequest('127.0.0.3', SVC_PORT, { method: 'POST', path: '/echo', body })
    expect(r.status).toBe(200)
    expect(r.body.length).toBe(body.length)
    expect(createHash('sha256').update(r.body).digest('hex')).toBe(createHash('sha256').update(body).digest('hex'))
  })

  it('a service that selects nothing refuses connections cleanly', async () => {
    const api = cluster.agents[0]!.api
    const svc = { apiVersion: 'v1', kind: 'Service', metadata: { name: 'nobody' }, spec: { selector: { app: 'nothing' }, ports: [{ port: 18081 }] } }
    expect((await api.request('POST', '/api/v1/namespaces/default/services', svc)).status).toBe(201)
    // First every node must know the service (else a refusal proves nothing): its endpoints are
    // served, empty, and its proxy has the route for it.
    await waitFor(async () => {
      for (const a of cluster.agents) {
        const ep = await a.api.get<{ subsets?: { addresses?: unknown[] }[] }>('/api/v1/namespaces/default/endpoints/nobody')
        if (ep.status !== 200 || (ep.body.subsets ?? []).some((x) => (x.addresses ?? []).length > 0)) return false
        if (!a.agent.services.proxy.stats().some((x) => x.key === 'default/nobody')) return false
      }
      return true
    }, { message: 'the empty service synced on every node' })
    for (const a of cluster.agents) expect(await connectRefused(a.options.serviceAddress!, 18081), `refused at ${a.name}`).toBe(true)
  })

  it('answers NAME.NS.svc.shoal with the nodes that proxy it', async () => {
    const agent = cluster.agents[0]!.agent
    const port = agent.services.dns!.address()!.port
    const socket = createSocket('udp4')
    const answer = await waitFor(async () => {
      const reply = await new Promise<dnsPacket.Packet>((resolve, reject) => {
        socket.once('message', (msg) => resolve(dnsPacket.decode(msg)))
        socket.send(dnsPacket.encode({ type: 'query', id: 7, flags: dnsPacket.RECURSION_DESIRED, questions: [{ type: 'A', name: 'web.default.svc.shoal' }] }), port, '127.0.0.1', (e) => e && reject(e))
      })
      const ips = (reply.answers ?? []).map((a) => (a as { data: string }).data).sort()
      return ips.length === 3 ? ips : undefined
    }, { message: 'three A records' })
    socket.close()
    expect(answer).toEqual(['127.0.0.1', '127.0.0.2', '127.0.0.3'])
  })
})

describe('health checks behind a service', () => {
  const dir = `/tmp/shoal-unhealthy-${process.pid}`

  function probedRc(name: string, replicas: number, probes: Record<string, unknown>): Record<string, unknown> {
    const container = { command: HTTP_POD_COMMAND, env: [{ name: 'UNHEALTHY_DIR', value: dir }], ports: [{ name: 'http', containerPort: 8080 }], ...probes }
    return rcManifest(name, replicas, container, { graceSeconds: 1 })
  }

  // Generous timeout and threshold: a loaded CI machine must not fail healthy pods by accident.
  const probe = { httpGet: { path: '/healthz', port: 'http' }, periodSeconds: 1, timeoutSeconds: 3, failureThreshold: 2 }

  it('a pod failing readiness leaves the rotation and comes back when it passes', async () => {
    const { mkdir, writeFile, rm } = await import('node:fs/promises')
    await mkdir(dir, { recursive: true })
    const api = cluster.agents[0]!.api
    expect((await api.request('POST', '/api/v1/namespaces/default/replicationcontrollers', probedRc('rdy', 3, { readinessProbe: probe }))).status).toBe(201)
    const svc = { apiVersion: 'v1', kind: 'Service', metadata: { name: 'rdy' }, spec: { selector: { app: 'rdy' }, ports: [{ port: 18082, targetPort: 'http' }] } }
    expect((await api.request('POST', '/api/v1/namespaces/default/services', svc)).status).toBe(201)
    const pods = await waitFor(async () => {
      const p = await podsOf(api, 'app=rdy')
      return p.length === 3 && p.every((x) => x.ready) ? p : undefined
    }, { timeoutMs: 30_000, message: 'rdy pods ready' })
    const sick = pods[0]!.name
    const names = async (): Promise<Set<string>> => {
      const seen = new Set<string>()
      for (let i = 0; i < 12; i++) seen.add((await httpGet('127.0.0.2', 18082)).body)
      return seen
    }
    await waitFor(async () => (await names()).size === 3, { message: 'all three serve' })
    await writeFile(`${dir}/${sick}`, '')
    await waitFor(async () => !(await podsOf(api, 'app=rdy')).find((p) => p.name === sick)!.ready, { message: 'sick pod not ready' })
    await waitFor(async () => {
      const seen = await names()
      return seen.size === 2 && !seen.has(sick)
    }, { message: 'sick pod out of rotation' })
    await rm(`${dir}/${sick}`)
    await waitFor(async () => (await names()).has(sick), { message: 'pod back in rotation' })
  })

  it('a liveness failure restarts the container, counted and reported', async () => {
    const { mkdir, writeFile, rm } = await import('node:fs/promises')
    await mkdir(dir, { recursive: true })
    const api = cluster.agents[0]!.api
    expect((await api.request('POST', '/api/v1/namespaces/default/replicationcontrollers', probedRc('live', 1, { livenessProbe: { ...probe, failureThreshold: 2 } }))).status).toBe(201)
    const [pod] = await waitFor(async () => {
      const p = await podsOf(api, 'app=live')
      return p.length === 1 && p[0]!.phase === 'Running' ? p : undefined
    }, { timeoutMs: 30_000, message: 'live pod running' })
    await writeFile(`${dir}/${pod!.name}`, '')
    await waitFor(async () => (await podsOf(api, 'app=live'))[0]!.restarts >= 1, { timeoutMs: 20_000, message: 'restarted after failing liveness' })
    await rm(`${dir}/${pod!.name}`)
    const events = await api.ok<{ items: { reason: string; message: string; involvedObject: { name: string } }[] }>('/api/v1/namespaces/default/events')
    const mine = events.items.filter((e) => e.involvedObject.name === pod!.name)
    expect(mine.some((e) => e.reason === 'Unhealthy' && /Liveness probe failed/.test(e.message))).toBe(true)
    expect(mine.some((e) => e.reason === 'Killing')).toBe(true)
    await waitFor(async () => {
      const p = (await podsOf(api, 'app=live'))[0]!
      return p.phase === 'Running' && p.ready
    }, { timeoutMs: 20_000, message: 'healthy again' })
  })
})

describe('service visibility', () => {
  it('describe svc lists the ready endpoints with their pods and nodes', async () => {
    const { execFile } = await import('node:child_process')
    const { cliPath } = await import('../../lib/repo-root.js')
    const a = cluster.agents[0]!
    const out = await new Promise<string>((resolve, reject) =>
      execFile(process.execPath, [cliPath(), '--server', a.api.url, '--token', a.api.token, 'describe', 'svc', 'web'], (err, stdout, stderr) =>
        err !== null ? reject(new Error(stderr)) : resolve(stdout),
      ),
    )
    expect(out).toMatch(/Endpoints \(ready\):/)
    expect(out.match(/\(web-[a-z0-9]+ on n\d\)/g) ?? []).toHaveLength(3)
    expect(out).toMatch(/PortConflict=False/)
  })

  it('a port already taken on one node shows as a PortConflict condition and event on the service', async () => {
    const { createServer } = await import('node:net')
    const squatter = createServer()
    await new Promise<void>((resolve) => squatter.listen(18300, '127.0.0.2', resolve))
    try {
      const api = cluster.agents[0]!.api
      const svc = { apiVersion: 'v1', kind: 'Service', metadata: { name: 'clash' }, spec: { selector: { app: 'web' }, ports: [{ port: 18300, targetPort: 'http' }] } }
      expect((await api.request('POST', '/api/v1/namespaces/default/services', svc)).status).toBe(201)
      const condition = await waitFor(async () => {
        const s = await api.ok<{ status?: { conditions?: { type: string; status: string; message: string }[] } }>('/api/v1/namespaces/default/services/clash')
        const c = s.status?.conditions?.find((x) => x.type === 'PortConflict')
        return c?.status === 'True' ? c : undefined
      }, { message: 'PortConflict condition' })
      expect(condition.message).toMatch(/port 18300 cannot be served on n2/)
      const events = await api.ok<{ items: { reason: string; involvedObject: { name: string } }[] }>('/api/v1/namespaces/default/events')
      expect(events.items.some((e) => e.reason === 'PortConflict' && e.involvedObject.name === 'clash')).toBe(true)
      // the other nodes serve it all the same
      expect((await httpGet('127.0.0.1', 18300)).status).toBe(200)
    } finally {
      squatter.close()
    }
  })
})
