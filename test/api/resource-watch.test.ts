import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { TestApi } from '../harness/api.js'
import { TestCluster } from '../harness/in-process.js'
import { waitFor } from '../harness/wait.js'
import type { List, Status } from './helpers.js'
import { pod, WatchReader } from './helpers.js'

let cluster: TestCluster

beforeAll(async () => {
  cluster = await TestCluster.start(3)
})

afterAll(async () => {
  await cluster.close()
})

/** Before writing to an object on another node, wait for that node to have it (gossip is fast, not instant). */
async function write(api: TestApi, method: string, path: string, body?: unknown): Promise<void> {
  await waitFor(async () => (await api.get(path)).status === 200, { message: `${path} visible` })
  const r = await api.request(method, path, body, method === 'PATCH' ? { contentType: 'application/merge-patch+json' } : {})
  expect(r.status).toBe(200)
}

describe('watch over HTTP', () => {
  it('delivers changes made on another node, with selectors, as ADDED, MODIFIED and DELETED', async () => {
    const [n1, n2, n3] = cluster.agents.map((a) => a.api)
    const watch = await WatchReader.open(n1!, '/api/v1/namespaces/default/pods?watch=true&labelSelector=app%3Dremote')
    expect(watch.status).toBe(200)
    expect(watch.headers['content-type']).toContain('application/json')
    await n2!.request('POST', '/api/v1/namespaces/default/pods', pod('other', { app: 'unrelated' }))
    await n2!.request('POST', '/api/v1/namespaces/default/pods', pod('remote', { app: 'remote' }))
    const added = await watch.next()
    expect(added).toMatchObject({ type: 'ADDED', object: { metadata: { name: 'remote', labels: { app: 'remote' } } } })
    await write(n3!, 'PATCH', '/api/v1/namespaces/default/pods/remote', { metadata: { annotations: { touched: 'n3' } } })
    const touched = await watch.until((e) => e.object.metadata.annotations?.['touched'] === 'n3')
    expect(touched.type).toBe('MODIFIED')
    // Relabelled out of the selection: a filtered watcher sees it leave.
    await write(n3!, 'PATCH', '/api/v1/namespaces/default/pods/remote', { metadata: { labels: { app: 'gone' } } })
    const left = await watch.until((e) => e.type !== 'MODIFIED')
    expect(left).toMatchObject({ type: 'DELETED', object: { metadata: { name: 'remote', labels: { app: 'gone' } } } })
    watch.close()
  })

  it('starts with ADDED for current objects, resumes from a resourceVersion, and says 410 for a too old one', async () => {
    const [n1, n2] = cluster.agents.map((a) => a.api)
    await n1!.request('POST', '/api/v1/namespaces/default/pods', pod('resume-1', { suite: 'resume' }))
    const fresh = await WatchReader.open(n1!, '/api/v1/pods?watch=1&labelSelector=suite%3Dresume')
    expect((await fresh.next())?.object.metadata.name).toBe('resume-1')
    fresh.close()
    const list = await n1!.ok<List>('/api/v1/namespaces/default/pods?labelSelector=suite%3Dresume')
    await n2!.request('POST', '/api/v1/namespaces/default/pods', pod('resume-2', { suite: 'resume' }))
    await write(n2!, 'DELETE', '/api/v1/namespaces/default/pods/resume-1')
    await waitFor(async () => (await n1!.get('/api/v1/namespaces/default/pods/resume-1')).status === 404)
    const resumed = await WatchReader.open(n1!, `/api/v1/namespaces/default/pods?watch=true&labelSelector=suite%3Dresume&resourceVersion=${list.metadata.resourceVersion}`)
    // Two writes on another node may arrive here in either order, with status updates between.
    const seen = new Set<string>()
    await resumed.until((e) => {
      if (e.type !== 'MODIFIED') seen.add(`${e.type} ${e.object.metadata.name}`)
      return seen.size === 2
    })
    expect([...seen].sort()).toEqual(['ADDED resume-2', 'DELETED resume-1'])
    resumed.close()
    const gone = await n1!.get<Status>('/api/v1/namespaces/default/pods?watch=true&resourceVersion=1')
    expect(gone.status).toBe(410)
    expect(gone.body).toMatchObject({ kind: 'Status', reason: 'Expired', code: 410 })
  })

  it('answers 400 before streaming for a bad selector or resourceVersion', async () => {
    const n1 = cluster.agents[0]!.api
    const bad = await n1.get<Status>('/api/v1/pods?watch=true&labelSelector=app%20in%20(a')
    expect(bad.status).toBe(400)
    expect(bad.body.message).toMatch(/position \d+/)
    expect((await n1.get<Status>('/api/v1/pods?watch=true&resourceVersion=abc')).status).toBe(400)
    expect((await n1.get<Status>('/api/v1/pods?watch=true&timeoutSeconds=-1')).status).toBe(400)
  })

  it('ends the stream after timeoutSeconds', async () => {
    const n1 = cluster.agents[0]!.api
    const started = Date.now()
    const watch = await WatchReader.open(n1, '/api/v1/namespaces/default/services?watch=true&timeoutSeconds=1')
    expect(await watch.next(5000)).toBeUndefined()
    expect(Date.now() - started).toBeGreaterThanOrEqual(900)
  })

  it('watches one object by name on its item URL', async () => {
    const [n1, n2] = cluster.agents.map((a) => a.api)
    await n1!.request('POST', '/api/v1/namespaces/default/pods', pod('single'))
    await n1!.request('POST', '/api/v1/namespaces/default/pods', pod('single-not'))
    const watch = await WatchReader.open(n1!, '/api/v1/namespaces/default/pods/single?watch=true')
    expect(await watch.next()).toMatchObject({ type: 'ADDED', object: { metadata: { name: 'single' } } })
    await write(n2!, 'DELETE', '/api/v1/namespaces/default/pods/single-not')
    await write(n2!, 'DELETE', '/api/v1/namespaces/default/pods/single')
    const next = await watch.until((e) => e.type !== 'MODIFIED')
    expect(`${next.type} ${next.object.metadata.name}`).toBe('DELETED single')
    watch.close()
  })
})
