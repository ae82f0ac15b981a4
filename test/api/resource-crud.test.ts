import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { KubeObject } from '../../crdt/index.js'
import type { TestApi } from '../harness/api.js'
import { TestCluster } from '../harness/in-process.js'
import type { List, Status } from './helpers.js'
import { event, namespace, pod, rc, service } from './helpers.js'

let cluster: TestCluster
let api: TestApi

beforeAll(async () => {
  cluster = await TestCluster.start(1, { config: { maxBodyBytes: 16 * 1024 } })
  api = cluster.agents[0]!.api
})

afterAll(async () => {
  await cluster.close()
})

async function create(path: string, body: unknown): Promise<KubeObject> {
  const r = await api.request<KubeObject>('POST', path, body)
  if (r.status !== 201) throw new Error(`POST ${path} → ${r.status}: ${JSON.stringify(r.body)}`)
  return r.body
}

const KINDS = [
  { plural: 'pods', make: (n: string) => pod(n, { app: n }), change: { metadata: { labels: { tier: 'x' } } } },
  { plural: 'services', make: service, change: { spec: { ports: [{ port: 81 }] } } },
  { plural: 'replicationcontrollers', make: (n: string) => rc(n), change: { spec: { minReadySeconds: 5 } } },
  { plural: 'events', make: (n: string) => event(n, 'web'), change: { message: 'changed' } },
]

describe('resource API: one implementation for every kind', () => {
  it.each(KINDS)('$plural: create, get, list, replace, merge patch, delete', async ({ plural, make, change }) => {
    await create('/api/v1/namespaces', namespace(`crud-${plural}`))
    const base = `/api/v1/namespaces/crud-${plural}/${plural}`
    const created = await create(base, make('one'))
    expect(created.metadata).toMatchObject({ name: 'one', namespace: `crud-${plural}` })
    expect(created.metadata.uid).toBeTruthy()

    const got = await api.ok<KubeObject>(`${base}/one`)
    // Controllers may have written a status meanwhile; what the client wrote is unchanged.
    expect({ ...got, status: undefined, metadata: { ...got.metadata, resourceVersion: '' } }).toEqual({ ...created, status: undefined, metadata: { ...created.metadata, resourceVersion: '' } })
    const list = await api.ok<List>(base)
    expect(list.kind).toBe(`${created.kind}List`)
    expect(list.apiVersion).toBe('v1')
    expect(list.items.map((i) => i.metadata.name)).toEqual(['one'])

    // Unconditional (no resourceVersion): a controller's status write must not make this a conflict.
    const put = await api.request<KubeObject>('PUT', `${base}/one`, { ...got, metadata: { name: 'one', labels: got.metadata.labels, annotations: { note: 'replaced' } } })
    expect(put.status).toBe(200)
    expect(put.body.metadata.annotations).toEqual({ note: 'replaced' })

    const patched = await api.request<KubeObject>('PATCH', `${base}/one`, change, { contentType: 'application/merge-patch+json' })
    expect(patched.status).toBe(200)
    expect(patched.body).toMatchObject(change)
    expect(patched.body.metadata.annotations).toEqual({ note: 'replaced' })

    const deleted = await api.request<KubeObject>('DELETE', `${base}/one`)
    expect(deleted.status).toBe(200)
    expect(deleted.body.metadata.name).toBe('one')
    expect((await api.get<Status>(`${base}/one`)).status).toBe(404)
  })

  it('lists across namespaces with each item in its namespace', async () => {
    await create('/api/v1/namespaces', namespace('across-a'))
    await create('/api/v1/namespaces', namespace('across-b'))
    await create('/api/v1/namespaces/across-a/pods', pod('p1', { group: 'across' }))
    await create('/api/v1/namespaces/across-b/pods', pod('p2', { group: 'across' }))
    const list = await api.ok<List>('/api/v1/pods?labelSelector=group%3Dacross')
    expect(list.items.map((p) => `${p.metadata.namespace}/${p.metadata.name}`)).toEqual(['across-a/p1', 'across-b/p2'])
    const one = await api.ok<List>('/api/v1/namespaces/across-b/pods?labelSelector=group%3Dacross')
    expect(one.items.map((p) => p.metadata.name)).toEqual(['p2'])
  })

  it('namespaces are cluster-scoped, Active, and deleting one deletes what is in it', async () => {
    await create('/api/v1/namespaces', namespace('doomed'))
    await create('/api/v1/namespaces/doomed/pods', pod('a'))
    await create('/api/v1/namespaces/doomed/services', service('a'))
    expect((await api.ok<KubeObject>('/api/v1/namespaces/doomed')).status).toEqual({ phase: 'Active' })
    const del = await api.request<KubeObject>('DELETE', '/api/v1/namespaces/doomed')
    expect(del.status).toBe(200)
    expect(del.body.metadata.name).toBe('doomed')
    expect((await api.ok<List>('/api/v1/namespaces/doomed/pods')).items).toEqual([])
    expect((await api.ok<List>('/api/v1/namespaces/doomed/services')).items).toEqual([])
    expect((await api.get('/api/v1/namespaces/doomed')).status).toBe(404)
  })

  it('refuses to delete the default namespace', async () => {
    const r = await api.request<Status>('DELETE', '/api/v1/namespaces/default')
    expect(r.status).toBe(422)
    expect(r.body.message).toContain('may not be deleted')
    expect((await api.get('/api/v1/namespaces/default')).status).toBe(200)
  })

  it('answers 404 for a namespace that does not exist, but default always exists', async () => {
    const r = await api.request<Status>('POST', '/api/v1/namespaces/nowhere/pods', pod('x'))
    expect(r.status).toBe(404)
    expect(r.body.message).toBe('namespaces "nowhere" not found')
    expect((await api.ok<List>('/api/v1/pods?fieldSelector=metadata.namespace%3Dnowhere')).items).toEqual([])
    expect((await api.request('POST', '/api/v1/namespaces/default/pods', pod('in-default'))).status).toBe(201)
  })

  it('answers 409 AlreadyExists for a duplicate name', async () => {
    await create('/api/v1/namespaces/default/services', service('dup'))
    const r = await api.request<Status>('POST', '/api/v1/namespaces/default/services', service('dup'))
    expect(r.status).toBe(409)
    expect(r.body).toMatchObject({ reason: 'AlreadyExists', message: 'services "dup" already exists' })
  })

  // Events, because no controller writes to them: the only versions are the test's own.
  it('treats metadata.resourceVersion in a PUT as a precondition (409 when stale)', async () => {
    const first = await create('/api/v1/namespaces/default/events', event('occ', 'web'))
    const ok = await api.request<KubeObject>('PUT', '/api/v1/namespaces/default/events/occ', { ...first, metadata: { ...first.metadata, labels: { v: '2' } } })
    expect(ok.status).toBe(200)
    expect(ok.body.metadata.resourceVersion).not.toBe(first.metadata.resourceVersion)
    const stale = await api.request<Status>('PUT', '/api/v1/namespaces/default/events/occ', { ...first, metadata: { ...first.metadata, labels: { v: '3' } } })
    expect(stale.status).toBe(409)
    expect(stale.body.reason).toBe('Conflict')
    expect((await api.ok<KubeObject>('/api/v1/namespaces/default/events/occ')).metadata.labels).toEqual({ v: '2' })
    const stalePatch = await api.request<Status>('PATCH', '/api/v1/namespaces/default/events/occ', { metadata: { resourceVersion: first.metadata.resourceVersion, labels: { v: '4' } } }, { contentType: 'application/merge-patch+json' })
    expect(stalePatch.status).toBe(409)
  })

  it('answers 422 with every cause for a bad manifest and writes nothing', async () => {
    const before = await api.ok<List>('/api/v1/namespaces/default/pods')
    const bad = { metadata: { name: 'Bad_Name', labels: { 'bad key!': 'v' } }, spec: { containers: [{ name: 'x' }], restartPolicy: 'Sometimes' } }
    const r = await api.request<Status>('POST', '/api/v1/namespaces/default/pods', bad)
    expect(r.status).toBe(422)
    expect(r.body.reason).toBe('Invalid')
    const fields = (r.body.details?.causes ?? []).map((c) => c.field)
    expect(fields).toEqual(expect.arrayContaining(['metadata.name', 'metadata.labels.bad key!', 'spec.containers[0].image', 'spec.restartPolicy']))
    const after = await api.ok<List>('/api/v1/namespaces/default/pods')
    expect(after.items.map((p) => p.metadata.name)).toEqual(before.items.map((p) => p.metadata.name))
  })

  it('validates the merged result of a patch, so a patch cannot store an invalid object', async () => {
    const created = await create('/api/v1/namespaces/default/pods', pod('patchme'))
    const r = await api.request<Status>('PATCH', '/api/v1/namespaces/default/pods/patchme', { spec: { containers: [] } }, { contentType: 'application/merge-patch+json' })
    expect(r.status).toBe(422)
    expect(r.body.details?.causes?.[0]?.field).toBe('spec.containers')
    const after = await api.ok<KubeObject>('/api/v1/namespaces/default/pods/patchme')
    expect(after.spec).toEqual(created.spec)
    expect(after.metadata.generation).toBe(created.metadata.generation)
    const removeLabel = await api.request<KubeObject>('PATCH', '/api/v1/namespaces/default/pods/patchme', { metadata: { labels: { extra: 'yes' } } }, { contentType: 'application/merge-patch+json' })
    expect(removeLabel.body.metadata.labels).toEqual({ extra: 'yes' })
    const removed = await api.request<KubeObject>('PATCH', '/api/v1/namespaces/default/pods/patchme', { metadata: { labels: { extra: null } } }, { contentType: 'application/merge-patch+json' })
    expect(removed.body.metadata.labels).toBeUndefined()
    const jsonPatch = await api.request<Status>('PATCH', '/api/v1/namespaces/default/pods/patchme', [{ op: 'remove', path: '/spec' }], { contentType: 'application/json-patch+json' })
    // A JSON patch is validated like any other: removing the spec leaves an invalid pod.
    expect(jsonPatch.status).toBe(422)
    expect((await api.ok<KubeObject>('/api/v1/namespaces/default/pods/patchme')).spec).toEqual(created.spec)
    const unknownType = await api.request<Status>('PATCH', '/api/v1/namespaces/default/pods/patchme', { spec: {} }, { contentType: 'application/x-unknown-patch' })
    expect(unknownType.status).toBe(415)
  })

  it('accepts YAML bodies', async () => {
    const yaml = ['apiVersion: v1', 'kind: Service', 'metadata:', '  name: from-yaml', '  labels: {via: yaml}', 'spec:', '  ports:', '  - port: 8080'].join('\n')
    const r = await api.request<KubeObject>('POST', '/api/v1/namespaces/default/services', yaml, { contentType: 'application/yaml' })
    expect(r.status).toBe(201)
    expect(r.body.metadata.labels).toEqual({ via: 'yaml' })
    const bad = await api.request<Status>('POST', '/api/v1/namespaces/default/services', 'metadata: [unclosed', { contentType: 'application/yaml' })
    expect(bad.status).toBe(400)
    expect(bad.body.message).toContain('YAML')
  })

  it('answers 413 for an oversized body and writes nothing', async () => {
    const big = pod('huge', {}, { metadata: { name: 'huge', annotations: { pad: 'x'.repeat(20 * 1024) } } })
    const r = await api.request<Status>('POST', '/api/v1/namespaces/default/pods', big)
    expect(r.status).toBe(413)
    expect(r.body.reason).toBe('RequestEntityTooLarge')
    expect((await api.get('/api/v1/namespaces/default/pods/huge')).status).toBe(404)
  })

  it('serves endpoints read-only and refuses unsupported verbs with 405', async () => {
    expect((await api.get('/api/v1/namespaces/default/endpoints')).status).toBe(200)
    const r = await api.request<Status>('POST', '/api/v1/namespaces/default/endpoints', { metadata: { name: 'x' } })
    expect(r.status).toBe(405)
    expect((await api.request('POST', '/api/v1/pods', pod('x'))).status).toBe(405)
    expect((await api.get('/api/v1/namespaces/default/pods/nope')).body).toMatchObject({ code: 404, message: 'pods "nope" not found' })
  })
})
