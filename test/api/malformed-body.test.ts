import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { ResourceApi, Status } from './helpers.js'
import { startResourceApi } from './helpers.js'

let r: ResourceApi

beforeAll(async () => {
  r = await startResourceApi()
})

afterAll(async () => {
  await r.close()
})

describe('malformed request bodies', () => {
  it.each([
    ['POST', '/api/v1/namespaces/default/pods', 'application/json'],
    ['PUT', '/api/v1/namespaces/default/pods/web', 'application/json'],
    ['PATCH', '/api/v1/namespaces/default/pods/web', 'application/merge-patch+json'],
  ])('%s %s with broken JSON is a 400 Status and writes nothing', async (method, path, contentType) => {
    const reply = await r.api.request<Status>(method, path, '{"apiVersion": "v1", "kind": "Pod", "metadata": {', { contentType })
    expect(reply.status).toBe(400)
    expect(reply.headers.get('content-type')).toContain('application/json')
    expect(reply.body).toMatchObject({ kind: 'Status', apiVersion: 'v1', status: 'Failure', reason: 'BadRequest', code: 400 })
    expect(reply.body.message).toMatch(/malformed/i)
    expect(r.store.list('pods', { namespace: 'default' }).items).toEqual([])
  })

  it('an empty JSON body is a 400 too, and malformed YAML as well', async () => {
    const empty = await r.api.request<Status>('POST', '/api/v1/namespaces/default/pods', '', { contentType: 'application/json' })
    expect(empty.status).toBe(400)
    expect(empty.body.kind).toBe('Status')
    const yaml = await r.api.request<Status>('POST', '/api/v1/namespaces/default/pods', 'metadata: [unclosed', { contentType: 'application/yaml' })
    expect(yaml.status).toBe(400)
    expect(yaml.body).toMatchObject({ kind: 'Status', reason: 'BadRequest' })
  })
})
