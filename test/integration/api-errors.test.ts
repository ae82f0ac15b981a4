import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { TestCluster } from '../harness/in-process.js'

let cluster: TestCluster

beforeAll(async () => {
  cluster = await TestCluster.start(1, { config: { maxBodyBytes: 1024 } })
})

afterAll(async () => {
  await cluster.close()
})

interface Status {
  kind: string
  status: string
  reason: string
  code: number
  message: string
}

describe('API edge', () => {
  it('answers probes without a token', async () => {
    const api = cluster.agents[0]!.api
    expect((await api.request('GET', '/healthz', undefined, { token: null })).status).toBe(200)
    expect((await api.request('GET', '/readyz', undefined, { token: null })).status).toBe(200)
  })

  it('refuses requests with no token or a wrong token with a 401 Status', async () => {
    const api = cluster.agents[0]!.api
    for (const token of [null, 'wrong', api.token + 'x']) {
      const r = await api.request<Status>('GET', '/api/v1/nodes', undefined, { token })
      expect(r.status).toBe(401)
      expect(r.body).toMatchObject({ kind: 'Status', status: 'Failure', reason: 'Unauthorized', code: 401 })
    }
  })

  it('answers an unknown path with a 404 Status and a missing node with NotFound', async () => {
    const api = cluster.agents[0]!.api
    const r = await api.get<Status>('/api/v1/nope')
    expect(r.status).toBe(404)
    expect(r.body).toMatchObject({ kind: 'Status', reason: 'NotFound', code: 404 })
    const n = await api.get<Status>('/api/v1/nodes/ghost')
    expect(n.status).toBe(404)
    expect(n.body.message).toContain('ghost')
  })

  it('answers an unsupported verb with 405 and an oversized body with 413', async () => {
    const api = cluster.agents[0]!.api
    const r = await api.request<Status>('DELETE', '/api/v1/nodes')
    expect(r.status).toBe(405)
    expect(r.body.reason).toBe('MethodNotAllowed')
    const big = await api.request<Status>('POST', '/api/v1/nodes', { pad: 'x'.repeat(4096) })
    expect(big.status).toBe(413)
    expect(big.body).toMatchObject({ kind: 'Status', reason: 'RequestEntityTooLarge', code: 413 })
  })

  it('reports version and Prometheus metrics', async () => {
    const api = cluster.agents[0]!.api
    const v = await api.ok<{ gitVersion: string; major: string }>('/version')
    expect(v.gitVersion).toMatch(/^v\d+\.\d+\.\d+/)
    const m = await api.ok<string>('/metrics')
    expect(m).toMatch(/shoal_members\{state="alive"\} 1/)
  })
})
