import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { KubeObject } from '../../crdt/index.js'
import type { ResourceApi, Status } from './helpers.js'
import { pod, rc, startResourceApi } from './helpers.js'

interface Scale {
  kind: string
  apiVersion: string
  metadata: { name: string; resourceVersion: string }
  spec: { replicas: number }
  status: { replicas: number; selector: string }
}

let s: ResourceApi
const RC = '/api/v1/namespaces/default/replicationcontrollers/web'

beforeAll(async () => {
  s = await startResourceApi()
  await s.api.request('POST', '/api/v1/namespaces/default/replicationcontrollers', rc('web', 2))
})

afterAll(async () => {
  await s.close()
})

describe('subresources', () => {
  it('reads a replication controller as an autoscaling/v1 Scale', async () => {
    const scale = await s.api.ok<Scale>(`${RC}/scale`)
    expect(scale).toMatchObject({ kind: 'Scale', apiVersion: 'autoscaling/v1', metadata: { name: 'web' }, spec: { replicas: 2 }, status: { replicas: 0, selector: 'app=web' } })
  })

  it('scales with PUT and PATCH, changing nothing but spec.replicas', async () => {
    const before = await s.api.ok<KubeObject>(RC)
    const put = await s.api.request<Scale>('PUT', `${RC}/scale`, { kind: 'Scale', apiVersion: 'autoscaling/v1', metadata: { name: 'web' }, spec: { replicas: 5 } })
    expect(put.status).toBe(200)
    expect(put.body.spec.replicas).toBe(5)
    const patched = await s.api.request<Scale>('PATCH', `${RC}/scale`, { spec: { replicas: 3 } }, { contentType: 'application/merge-patch+json' })
    expect(patched.body.spec.replicas).toBe(3)
    const after = await s.api.ok<KubeObject>(RC)
    expect(after.spec).toEqual({ ...(before.spec as object), replicas: 3 })
    expect(after.metadata.generation).toBe((before.metadata.generation ?? 0) + 2)
  })

  it('refuses a negative or missing replica count with 422, and a stale scale with 409', async () => {
    const negative = await s.api.request<Status>('PATCH', `${RC}/scale`, { spec: { replicas: -1 } }, { contentType: 'application/merge-patch+json' })
    expect(negative.status).toBe(422)
    expect(negative.body.details?.causes?.[0]?.field).toBe('spec.replicas')
    expect((await s.api.request<Status>('PUT', `${RC}/scale`, { spec: {} })).status).toBe(422)
    const stale = await s.api.request<Status>('PUT', `${RC}/scale`, { metadata: { resourceVersion: '1' }, spec: { replicas: 4 } })
    expect(stale.status).toBe(409)
    expect((await s.api.ok<Scale>(`${RC}/scale`)).spec.replicas).toBe(3)
    expect((await s.api.get('/api/v1/namespaces/default/replicationcontrollers/ghost/scale')).status).toBe(404)
  })

  it('writes status only through the status subresource', async () => {
    await s.api.request('POST', '/api/v1/namespaces/default/pods', pod('st'))
    const ignored = await s.api.request<KubeObject>('PATCH', '/api/v1/namespaces/default/pods/st', { status: { phase: 'Running' } }, { contentType: 'application/merge-patch+json' })
    expect(ignored.body.status).toBeUndefined()
    const put = await s.api.request<KubeObject>('PUT', '/api/v1/namespaces/default/pods/st/status', { status: { phase: 'Running', hostIP: '127.0.0.1' } })
    expect(put.status).toBe(200)
    expect(put.body.status).toEqual({ phase: 'Running', hostIP: '127.0.0.1' })
    const merged = await s.api.request<KubeObject>('PATCH', '/api/v1/namespaces/default/pods/st/status', { status: { phase: 'Succeeded' } }, { contentType: 'application/merge-patch+json' })
    expect(merged.body.status).toEqual({ phase: 'Succeeded', hostIP: '127.0.0.1' })
    expect((await s.api.ok<KubeObject>('/api/v1/namespaces/default/pods/st/status')).status).toEqual({ phase: 'Succeeded', hostIP: '127.0.0.1' })
    const stale = await s.api.request<Status>('PUT', '/api/v1/namespaces/default/pods/st/status', { metadata: { resourceVersion: '1' }, status: {} })
    expect(stale.status).toBe(409)
  })

  it('exposes the scale and status routes only where the registry lists them', async () => {
    expect((await s.api.get('/api/v1/namespaces/default/pods/st/scale')).status).toBe(404)
    expect((await s.api.get('/api/v1/namespaces/default/events/x/status')).status).toBe(404)
  })
})
