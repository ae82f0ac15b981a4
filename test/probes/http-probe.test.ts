import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { httpGetProbe, PROBE_USER_AGENT } from '../../node/workloads/probes/http-probe.js'
import { freePort } from '../services/net-helpers.js'
import type { FlipServer } from './fixtures.js'
import { loopbackTarget, startFlipServer } from './fixtures.js'

describe('httpGet probe', () => {
  let server: FlipServer
  beforeAll(async () => {
    server = await startFlipServer()
  })
  afterAll(() => server.close())

  const probe = (path: string, timeoutMs = 1000, extra: object = {}): ReturnType<typeof httpGetProbe> =>
    httpGetProbe({ path, port: server.port, ...extra }, loopbackTarget({ name: 'main' }), timeoutMs)

  it('succeeds on 2xx and 3xx and fails on 4xx/5xx with the status code', async () => {
    server.set('/created', 201)
    server.set('/redirect', 302)
    server.set('/missing', 404)
    server.set('/broken', 500)
    expect(await probe('/healthz')).toMatchObject({ ok: true })
    expect(await probe('/created')).toMatchObject({ ok: true })
    expect(await probe('/redirect')).toMatchObject({ ok: true })
    expect(await probe('/missing')).toEqual({ ok: false, message: 'HTTP probe failed with statuscode: 404' })
    expect(await probe('/broken')).toEqual({ ok: false, message: 'HTTP probe failed with statuscode: 500' })
    expect(server.count('/redirect')).toBe(1)
  })

  it('fails when the answer takes longer than the timeout', async () => {
    server.delayMs = 500
    try {
      const result = await probe('/slow', 100)
      expect(result.ok).toBe(false)
      expect(result.message).toBe(`Get "http://127.0.0.1:${server.port}/slow": timeout after 100ms awaiting response headers`)
    } finally {
      server.delayMs = 0
    }
  })

  it('sends the probe headers, replacing defaults of the same name, and defaults the path to /', async () => {
    const headers = [
      { name: 'X-Probe', value: 'yes' },
      { name: 'user-agent', value: 'custom/2' },
      { name: 'Host', value: 'app.example' },
    ]
    expect(await probe('/with-headers', 1000, { httpHeaders: headers })).toMatchObject({ ok: true })
    const hit = server.hits.find((h) => h.path === '/with-headers')
    expect(hit?.headers).toMatchObject({ 'x-probe': 'yes', 'user-agent': 'custom/2', host: 'app.example' })
    await httpGetProbe({ port: server.port }, loopbackTarget({ name: 'main' }), 1000)
    expect(server.hits.at(-1)).toMatchObject({ path: '/', headers: { 'user-agent': PROBE_USER_AGENT, accept: '*/*' } })
  })

  it('reports a refused connection like the kubelet does', async () => {
    const port = await freePort()
    const result = await httpGetProbe({ path: '/x', port }, loopbackTarget({ name: 'main' }), 1000)
    expect(result).toEqual({ ok: false, message: `Get "http://127.0.0.1:${port}/x": dial tcp 127.0.0.1:${port}: connect: connection refused` })
  })

  it('connects to the allocated host port of a named container port', async () => {
    const target = loopbackTarget({ name: 'main', ports: [{ name: 'http', containerPort: 80 }] }, [{ container: 'main', name: 'http', containerPort: 80, hostPort: server.port }])
    const before = server.count('/named')
    expect(await httpGetProbe({ path: '/named', port: 'http' }, target, 1000)).toMatchObject({ ok: true })
    expect(server.count('/named')).toBe(before + 1)
  })

  it('stops waiting when cancelled', async () => {
    server.delayMs = 1000
    try {
      const controller = new AbortController()
      const pending = httpGetProbe({ path: '/cancel', port: server.port }, loopbackTarget({ name: 'main' }), 5000, controller.signal)
      setTimeout(() => controller.abort(), 20)
      const result = await pending
      expect(result.ok).toBe(false)
      expect(result.message).toContain('probe cancelled')
    } finally {
      server.delayMs = 0
    }
  })
})
