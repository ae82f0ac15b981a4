import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { KubeObject } from '../../crdt/index.js'
import { waitFor } from '../harness/wait.js'
import type { List, ResourceApi, Status } from './helpers.js'
import { pod, startResourceApi, WatchReader } from './helpers.js'

/** As the agent's pod view does: the node and phase come from elsewhere than the stored object. */
const placements = new Map<string, string>()
const podView = (p: KubeObject): KubeObject => {
  const node = placements.get(p.metadata.name)
  return node === undefined ? p : { ...p, spec: { ...(p.spec as object), nodeName: node }, status: { phase: 'Scheduled' } }
}

const endpoints: KubeObject[] = [
  { apiVersion: 'v1', kind: 'Endpoints', metadata: { name: 'web', namespace: 'default', labels: { app: 'web' } }, subsets: [] },
  { apiVersion: 'v1', kind: 'Endpoints', metadata: { name: 'db', namespace: 'other' }, subsets: [] },
]

let s: ResourceApi

beforeAll(async () => {
  s = await startResourceApi({
    views: { pods: podView },
    computed: { endpoints: { list: (ns) => endpoints.filter((e) => ns === undefined || e.metadata.namespace === ns) } },
  })
})

afterAll(async () => {
  await s.close()
})

describe('views and computed resources', () => {
  it('applies the view to get, list and write replies, and selects fields on the viewed object', async () => {
    placements.set('placed', 'n7')
    const created = await s.api.request<KubeObject>('POST', '/api/v1/namespaces/default/pods', pod('placed'))
    expect(created.body.spec).toMatchObject({ nodeName: 'n7' })
    await s.api.request('POST', '/api/v1/namespaces/default/pods', pod('waiting'))
    expect((await s.api.ok<KubeObject>('/api/v1/namespaces/default/pods/placed')).status).toEqual({ phase: 'Scheduled' })
    const onNode = await s.api.ok<List>('/api/v1/pods?fieldSelector=spec.nodeName%3Dn7')
    expect(onNode.items.map((p) => p.metadata.name)).toEqual(['placed'])
    const unscheduled = await s.api.ok<List>('/api/v1/namespaces/default/pods?fieldSelector=spec.nodeName%3D')
    expect(unscheduled.items.map((p) => p.metadata.name)).toEqual(['waiting'])
    // The overlay is never written back: a patch merges onto the stored object.
    const patched = await s.api.request<KubeObject>('PATCH', '/api/v1/namespaces/default/pods/placed', { metadata: { labels: { a: 'b' } } }, { contentType: 'application/merge-patch+json' })
    expect(patched.status).toBe(200)
    expect((s.store.get('pods', 'default', 'placed')!.spec as { nodeName?: string }).nodeName).toBeUndefined()
  })

  it('watches through the view: an object entering a field selection is ADDED, one leaving it DELETED', async () => {
    const watch = await WatchReader.open(s.api, '/api/v1/namespaces/default/pods?watch=true&fieldSelector=spec.nodeName%3Dn9')
    await s.api.request('POST', '/api/v1/namespaces/default/pods', pod('mover'))
    placements.set('mover', 'n9')
    await s.api.request('PATCH', '/api/v1/namespaces/default/pods/mover', { metadata: { labels: { step: '1' } } }, { contentType: 'application/merge-patch+json' })
    expect(await watch.next()).toMatchObject({ type: 'ADDED', object: { metadata: { name: 'mover' }, spec: { nodeName: 'n9' } } })
    await s.api.request('PATCH', '/api/v1/namespaces/default/pods/mover', { metadata: { labels: { step: '2' } } }, { contentType: 'application/merge-patch+json' })
    expect(await watch.next()).toMatchObject({ type: 'MODIFIED', object: { metadata: { labels: { step: '2' } } } })
    placements.set('mover', 'n1')
    await s.api.request('PATCH', '/api/v1/namespaces/default/pods/mover', { metadata: { labels: { step: '3' } } }, { contentType: 'application/merge-patch+json' })
    expect(await watch.next()).toMatchObject({ type: 'DELETED', object: { spec: { nodeName: 'n1' } } })
    watch.close()
  })

  it('serves a computed resource read-only, with selectors, and refuses to watch it', async () => {
    const all = await s.api.ok<List>('/api/v1/endpoints')
    expect(all.kind).toBe('EndpointsList')
    expect(all.items.map((e) => e.metadata.name)).toEqual(['web', 'db'])
    expect((await s.api.ok<List>('/api/v1/namespaces/default/endpoints?labelSelector=app%3Dweb')).items).toHaveLength(1)
    expect((await s.api.ok<KubeObject>('/api/v1/namespaces/other/endpoints/db')).metadata.name).toBe('db')
    expect((await s.api.get<Status>('/api/v1/namespaces/default/endpoints/db')).status).toBe(404)
    expect((await s.api.request('PUT', '/api/v1/namespaces/default/endpoints/web', endpoints[0])).status).toBe(405)
    expect((await s.api.get<Status>('/api/v1/endpoints?watch=true')).status).toBe(400)
  })

  it('releases the store watch when the client disconnects', async () => {
    const opened: { closed: boolean }[] = []
    const watch = s.store.watch.bind(s.store)
    s.store.watch = (kind, options) => {
      const stream = watch(kind, options)
      opened.push(stream)
      return stream
    }
    try {
      const readers = await Promise.all([1, 2, 3].map(() => WatchReader.open(s.api, '/api/v1/namespaces/default/services?watch=true')))
      await waitFor(() => s.routes.openWatches === 3)
      for (const r of readers) r.close()
      await waitFor(() => s.routes.openWatches === 0, { timeoutMs: 5000 })
      expect(opened).toHaveLength(3)
      expect(opened.every((w) => w.closed)).toBe(true)
    } finally {
      s.store.watch = watch
    }
  })

  it('answers 400 naming the position of a selector syntax error', async () => {
    const label = await s.api.get<Status>('/api/v1/pods?labelSelector=app%3D%3Dweb%2Ctier%20in%20(a%2Cb')
    expect(label.status).toBe(400)
    expect(label.body.message).toMatch(/at position \d+/)
    const field = await s.api.get<Status>('/api/v1/namespaces/default/pods?fieldSelector=spec.image%3Dx')
    expect(field.status).toBe(400)
    expect(field.body.message).toContain('position 0')
  })

  it('selects with set-based label selectors and field selectors together', async () => {
    for (const [name, tier] of [['s-a', 'front'], ['s-b', 'back'], ['s-c', 'cache']] as const) {
      await s.api.request('POST', '/api/v1/namespaces/default/pods', pod(name, { suite: 'sel', tier, ...(name === 's-c' ? { canary: 'yes' } : {}) }))
    }
    const names = async (q: string): Promise<string[]> => (await s.api.ok<List>(`/api/v1/namespaces/default/pods?${q}`)).items.map((p) => p.metadata.name)
    expect(await names('labelSelector=suite%3Dsel%2Ctier%20in%20(front%2Ccache)')).toEqual(['s-a', 's-c'])
    expect(await names('labelSelector=suite%3Dsel%2C!canary')).toEqual(['s-a', 's-b'])
    expect(await names('labelSelector=suite%3Dsel&fieldSelector=metadata.name!%3Ds-a')).toEqual(['s-b', 's-c'])
  })
})
