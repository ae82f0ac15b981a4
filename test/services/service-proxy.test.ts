import { createHash, randomBytes } from 'node:crypto'
import { connect, createServer } from 'node:net'
import type { Server } from 'node:net'
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest'
import { silentLogger } from '../../node/logger.js'
import type { ProxyConflict } from '../../node/services/proxy/proxy-config.js'
import { ServiceProxy } from '../../node/services/proxy/service-proxy.js'
import { blackholePort, connectOutcome, freePort, httpRequest, startBackend } from './net-helpers.js'
import type { HttpBackend } from './net-helpers.js'

const sha256 = (b: Buffer): string => createHash('sha256').update(b).digest('hex')

describe('ServiceProxy', () => {
  let backends: HttpBackend[] = []
  let proxy: ServiceProxy
  const to = (...list: HttpBackend[]): { host: string; port: number }[] => list.map((b) => ({ host: '127.0.0.1', port: b.port }))

  beforeAll(async () => {
    backends = await Promise.all(['a', 'b', 'c'].map(startBackend))
  })
  afterAll(async () => {
    await Promise.all(backends.map((b) => b.close()))
  })
  afterEach(async () => {
    await proxy.stop()
  })

  async function started(init: ConstructorParameters<typeof ServiceProxy>[1] = {}): Promise<ServiceProxy> {
    proxy = new ServiceProxy({ logger: silentLogger() }, { bindAddress: '127.0.0.1', ...init })
    await proxy.start()
    return proxy
  }

  it('spreads connections over all backends round-robin', async () => {
    const port = await freePort()
    await (await started()).update({ services: [{ key: 'default/web:http', port, backends: to(...backends) }] })
    const seen: string[] = []
    for (let i = 0; i < 6; i++) seen.push((await httpRequest(port)).body.toString())
    expect(seen.slice(0, 3).sort()).toEqual(['a', 'b', 'c'])
    expect(seen.slice(3)).toEqual(seen.slice(0, 3))
    expect(proxy.stats()).toEqual([expect.objectContaining({ key: 'default/web:http', port, connections: 6, failed: 0, backendFailures: 0 })])
  })

  it('skips a refusing backend so that every request still succeeds', async () => {
    const dead = await startBackend('dead')
    const deadPort = dead.port
    await dead.close()
    const port = await freePort()
    await (await started()).update({ services: [{ key: 'default/web:http', port, backends: [...to(backends[0]!, backends[1]!), { host: '127.0.0.1', port: deadPort }] }] })
    const replies = []
    for (let i = 0; i < 9; i++) replies.push(await httpRequest(port))
    expect(replies.every((r) => r.status === 200)).toBe(true)
    expect(new Set(replies.map((r) => r.body.toString()))).toEqual(new Set(['a', 'b']))
    // The cooldown puts the dead one last after its first refusal: one wasted attempt in all.
    expect(proxy.stats()[0]).toMatchObject({ connections: 9, failed: 0, backendFailures: 1 })
  })

  it('passes a 10 MB body through both ways intact', async () => {
    const port = await freePort()
    await (await started()).update({ services: [{ key: 'default/web:http', port, backends: to(backends[0]!) }] })
    const body = randomBytes(10 * 2 ** 20)
    const reply = await httpRequest(port, '/echo', body)
    expect(reply.body.length).toBe(body.length)
    expect(sha256(reply.body)).toBe(sha256(body))
    await vi.waitFor(() => expect(proxy.stats()[0]!.active).toBe(0))
    expect(proxy.stats()[0]!.bytesIn).toBeGreaterThan(body.length)
    expect(proxy.stats()[0]!.bytesOut).toBeGreaterThan(body.length)
  })

  it('refuses connections promptly for a service without backends', async () => {
    const port = await freePort()
    await (await started()).update({ services: [{ key: 'default/empty', port, backends: [] }] })
    const { outcome, ms } = await connectOutcome(port)
    expect(outcome).toBe('ECONNREFUSED')
    expect(ms).toBeLessThan(1000)
    expect(proxy.conflicts()).toEqual([])
  })

  it('moves on from a backend that does not answer within the connect timeout', async () => {
    const hole = await blackholePort()
    try {
      const port = await freePort()
      await (await started({ connectTimeoutMs: 150 })).update({ services: [{ key: 'default/web:http', port, backends: [{ host: '127.0.0.1', port: hole.port }, ...to(backends[0]!)] }] })
      const t0 = Date.now()
      expect((await httpRequest(port)).body.toString()).toBe('a')
      expect(Date.now() - t0).toBeGreaterThanOrEqual(140)
      expect(proxy.stats()[0]).toMatchObject({ failed: 0, backendFailures: 1 })
      // The silent backend now waits at the back of the line: the next request does not try it.
      expect((await httpRequest(port)).body.toString()).toBe('a')
      expect(proxy.stats()[0]).toMatchObject({ connections: 2, backendFailures: 1 })
    } finally {
      hole.close()
    }
  })

  it('resets the client when no backend accepts', async () => {
    const dead = await freePort()
    const port = await freePort()
    await (await started()).update({ services: [{ key: 'default/gone', port, backends: [{ host: '127.0.0.1', port: dead }] }] })
    await expect(httpRequest(port)).rejects.toThrow(/ECONNRESET|socket hang up/)
    expect(proxy.stats()[0]).toMatchObject({ failed: 1, backendFailures: 1 })
  })

  it('moves a port and swaps backends on update', async () => {
    const [p1, p2] = [await freePort(), await freePort()]
    await started()
    await proxy.update({ services: [{ key: 'default/web:http', port: p1, backends: to(backends[0]!) }] })
    expect((await httpRequest(p1)).body.toString()).toBe('a')

    const updated = Date.now()
    await proxy.update({ services: [{ key: 'default/web:http', port: p2, backends: to(backends[1]!) }] })
    expect(Date.now() - updated).toBeLessThan(1000)
    expect((await connectOutcome(p1)).outcome).toBe('ECONNREFUSED')
    expect((await httpRequest(p2)).body.toString()).toBe('b')
    expect(proxy.listening()).toEqual([{ key: 'default/web:http', port: p2 }])

    // Backend changes need no listener change and apply to the very next connection.
    void proxy.update({ services: [{ key: 'default/web:http', port: p2, backends: to(backends[2]!) }] })
    expect((await httpRequest(p2)).body.toString()).toBe('c')

    await proxy.update({ services: [{ key: 'default/web:http', port: p2, backends: [] }] })
    expect((await connectOutcome(p2)).outcome).toBe('ECONNREFUSED')
  })

  it('lets open connections finish when their port is removed', async () => {
    const port = await freePort()
    await (await started()).update({ services: [{ key: 'default/web:http', port, backends: to(backends[0]!) }] })
    const socket = connect({ host: '127.0.0.1', port })
    await new Promise((resolve) => socket.on('connect', resolve))
    await vi.waitFor(() => expect(proxy.stats()[0]!.active).toBe(1))

    await proxy.update({ services: [] })
    expect((await connectOutcome(port)).outcome).toBe('ECONNREFUSED')
    const chunks: Buffer[] = []
    socket.on('data', (c: Buffer) => chunks.push(c))
    socket.end('GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n')
    await new Promise((resolve) => socket.on('close', resolve))
    expect(Buffer.concat(chunks).toString()).toMatch(/^HTTP\/1.1 200 OK[\s\S]*\r\n\r\na$/)
  })

  it('reports a port held by another process as a conflict, and takes it when freed', async () => {
    const port = await freePort()
    const squatter = createServer()
    await new Promise<void>((resolve) => squatter.listen(port, '127.0.0.1', resolve))
    const other = await freePort()
    await started({ listenRetryMs: 50 })
    const events: ProxyConflict[] = []
    proxy.on('proxy:conflict', (c) => events.push(c))
    const cleared = new Promise((resolve) => proxy.once('proxy:conflict-cleared', resolve))

    await proxy.update({
      services: [
        { key: 'default/web:http', port, backends: to(backends[0]!) },
        { key: 'default/api', port: other, backends: to(backends[1]!) },
      ],
    })
    expect(proxy.conflicts()).toEqual([{ key: 'default/web:http', port, reason: 'PortInUse', message: `port ${port} is already in use on this node` }])
    expect(events).toHaveLength(1)
    expect((await httpRequest(other)).body.toString()).toBe('b')

    await new Promise((r) => setTimeout(r, 200))
    expect(events).toHaveLength(1) // retries that fail the same way stay quiet
    await new Promise<void>((resolve) => squatter.close(() => resolve()))
    await cleared
    expect(proxy.conflicts()).toEqual([])
    expect((await httpRequest(port)).body.toString()).toBe('a')
  })

  it('gives a port claimed by two services to the older one', async () => {
    const port = await freePort()
    await started()
    const events: ProxyConflict[] = []
    proxy.on('proxy:conflict', (c) => events.push(c))
    await proxy.update({
      services: [
        { key: 'default/young', port, backends: to(backends[1]!), createdAt: 2000 },
        { key: 'default/old', port, backends: to(backends[0]!), createdAt: 1000 },
      ],
    })
    expect(proxy.conflicts()).toEqual([
      { key: 'default/young', port, reason: 'PortClaimed', message: `port ${port} is already used by service default/old`, holder: 'default/old' },
    ])
    expect(events.map((e) => e.key)).toEqual(['default/young'])
    expect((await httpRequest(port)).body.toString()).toBe('a')

    // The old one goes away: the young one takes the port over without reopening it.
    const cleared = new Promise((resolve) => proxy.once('proxy:conflict-cleared', resolve))
    await proxy.update({ services: [{ key: 'default/young', port, backends: to(backends[1]!), createdAt: 2000 }] })
    await cleared
    expect((await httpRequest(port)).body.toString()).toBe('b')
  })

  it('keeps a half-closed request open until the response is sent', async () => {
    // A backend that answers only after the client has finished sending (EOF).
    const backend: Server = createServer({ allowHalfOpen: true }, (socket) => {
      const chunks: Buffer[] = []
      socket.on('data', (c: Buffer) => chunks.push(c))
      socket.on('end', () => socket.end(`got ${Buffer.concat(chunks).length} bytes`))
    })
    await new Promise<void>((resolve) => backend.listen(0, '127.0.0.1', resolve))
    const backendPort = (backend.address() as { port: number }).port
    const port = await freePort()
    await (await started()).update({ services: [{ key: 'default/raw', port, backends: [{ host: '127.0.0.1', port: backendPort }] }] })

    const reply = await new Promise<string>((resolve, reject) => {
      const socket = connect({ host: '127.0.0.1', port, allowHalfOpen: true })
      const chunks: Buffer[] = []
      socket.on('data', (c: Buffer) => chunks.push(c))
      socket.on('end', () => resolve(Buffer.concat(chunks).toString()))
      socket.on('error', reject)
      socket.end(Buffer.alloc(100_000, 1))
    })
    expect(reply).toBe('got 100000 bytes')
    // Both legs close by themselves once both directions are done: nothing leaks.
    await vi.waitFor(async () => {
      const count = await new Promise<number>((resolve) => backend.getConnections((_err, n) => resolve(n)))
      expect(count).toBe(0)
      expect(proxy.stats()[0]!.active).toBe(0)
    })
    await new Promise<void>((resolve) => backend.close(() => resolve()))
  })

  it('closes proxied connections on stop', async () => {
    const port = await freePort()
    await (await started()).update({ services: [{ key: 'default/web:http', port, backends: to(backends[0]!) }] })
    const socket = connect({ host: '127.0.0.1', port })
    const closed = new Promise((resolve) => socket.on('close', resolve))
    socket.on('error', () => undefined)
    await new Promise((resolve) => socket.on('connect', resolve))
    await vi.waitFor(() => expect(proxy.stats()[0]!.active).toBe(1))
    await proxy.stop()
    await closed
    expect((await connectOutcome(port)).outcome).toBe('ECONNREFUSED')
  })
})
