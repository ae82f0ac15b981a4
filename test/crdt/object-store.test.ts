import { describe, expect, it } from 'vitest'
import { AlreadyExistsError, ConflictError, InvalidObjectError, NotFoundError, SelectorParseError, UnknownKindError } from '../../crdt/errors.js'
import { applyMergePatch } from '../../crdt/model/merge-patch.js'
import type { JsonValue } from '../../crdt/model/json.js'
import { pod, snapshot, testNode } from './helpers.js'

describe('ObjectStore create and get', () => {
  it('stores the object with system metadata and a resourceVersion, in a stable key order', async () => {
    const { store } = testNode('a')
    const created = await store.create('pods', {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'web', labels: { b: '2', a: '1' }, uid: 'ignored', resourceVersion: '5', generation: 9 },
      spec: { containers: [{ name: 'c', image: 'busybox' }] },
    })
    expect(created.metadata).toEqual({
      name: 'web',
      namespace: 'default',
      uid: expect.stringMatching(/^[0-9a-f-]{36}$/),
      resourceVersion: '1001',
      generation: 1,
      creationTimestamp: '2025-01-01T00:00:00Z',
      labels: { a: '1', b: '2' },
    })
    expect(Object.keys(created)).toEqual(['apiVersion', 'kind', 'metadata', 'spec'])
    expect(Object.keys(created.metadata.labels!)).toEqual(['a', 'b'])
    expect(store.get('pods', 'default', 'web')).toEqual(created)
    expect(Object.isFrozen(created.metadata)).toBe(true)
  })

  it('refuses duplicates, unknown kinds and objects without a name, writing nothing', async () => {
    const { store, doc } = testNode('a')
    await store.create('pods', pod('web'))
    const before = snapshot(doc)
    await expect(store.create('pods', pod('web'))).rejects.toBeInstanceOf(AlreadyExistsError)
    await expect(store.create('gizmos', pod('x'))).rejects.toBeInstanceOf(UnknownKindError)
    await expect(store.create('pods', { apiVersion: 'v1', kind: 'Pod', metadata: { name: '' } })).rejects.toBeInstanceOf(InvalidObjectError)
    await expect(store.create('pods', { ...pod('bad'), spec: { n: Number.NaN } })).rejects.toThrow(/spec.n: numbers must be finite/)
    await expect(store.create('pods', { ...pod('bad'), metadata: { name: 'bad', labels: { a: 1 as unknown as string } } })).rejects.toThrow(
      /metadata.labels.a: must be a string/,
    )
    expect(snapshot(doc)).toBe(before)
    expect(store.resourceVersion).toBe('1001')
  })

  it('generateName picks a free name; cluster-scoped kinds have no namespace', async () => {
    const { store } = testNode('a')
    const a = await store.create('pods', { apiVersion: 'v1', kind: 'Pod', metadata: { name: '', generateName: 'web-' } })
    expect(a.metadata.name).toMatch(/^web-[a-z0-9]{5}$/)
    const ns = await store.create('namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'prod', namespace: 'x' } })
    expect(ns.metadata.namespace).toBeUndefined()
    expect(store.get('namespaces', undefined, 'prod')?.metadata.uid).toBe(ns.metadata.uid)
    expect(await store.createIfAbsent('namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'prod' } })).toBe(ns)
  })

  it('copies its input: later changes by the caller do not reach the store', async () => {
    const { store } = testNode('a')
    const input = pod('web', { a: '1' })
    await store.create('pods', input)
    input.metadata.labels!['a'] = 'changed'
    ;(input.spec as { containers: unknown[] }).containers.push({ name: 'x' })
    expect(store.get('pods', 'default', 'web')?.metadata.labels).toEqual({ a: '1' })
    expect((store.get('pods', 'default', 'web')?.spec as { containers: unknown[] }).containers).toHaveLength(1)
  })
})

describe('ObjectStore list', () => {
  it('filters by namespace, labels and fields, ordered by namespace and name', async () => {
    const { store } = testNode('a')
    await store.create('pods', pod('b', { app: 'web' }))
    await store.create('pods', pod('a', { app: 'db' }))
    await store.create('pods', { ...pod('c', { app: 'web' }), metadata: { name: 'c', namespace: 'prod', labels: { app: 'web' } } })
    await store.updateStatus('pods', 'default', 'b', { phase: 'Running' })
    const names = (opts: Parameters<typeof store.list>[1]): string[] => store.list('pods', opts).items.map((p) => `${p.metadata.namespace}/${p.metadata.name}`)
    expect(names({})).toEqual(['default/a', 'default/b', 'prod/c'])
    expect(names({ namespace: 'default' })).toEqual(['default/a', 'default/b'])
    expect(names({ labelSelector: 'app=web' })).toEqual(['default/b', 'prod/c'])
    expect(names({ labelSelector: 'app in (web,db)', fieldSelector: 'status.phase!=Running' })).toEqual(['default/a', 'prod/c'])
    expect(names({ fieldSelector: 'metadata.name=c' })).toEqual(['prod/c'])
    expect(store.list('pods').resourceVersion).toBe(store.resourceVersion)
    expect(() => store.list('pods', { labelSelector: 'app in' })).toThrow(SelectorParseError)
  })
})

describe('ObjectStore replace', () => {
  it('bumps generation only when the spec changes and keeps status and system fields', async () => {
    const { store } = testNode('a')
    const created = await store.create('pods', pod('web', { a: '1' }))
    await store.updateStatus('pods', 'default', 'web', { phase: 'Running' })
    const same = await store.replace('pods', { ...pod('web', { a: '2' }), status: { phase: 'Hacked' } })
    expect(same.metadata.generation).toBe(1)
    expect(same.metadata.labels).toEqual({ a: '2' })
    expect(same.status).toEqual({ phase: 'Running' })
    expect(same.metadata.uid).toBe(created.metadata.uid)
    const changed = await store.replace('pods', pod('web', { a: '2' }, { containers: [{ name: 'c', image: 'nginx' }] }))
    expect(changed.metadata.generation).toBe(2)
    expect(Number(changed.metadata.resourceVersion)).toBeGreaterThan(Number(same.metadata.resourceVersion))
  })

  it('a replace that changes nothing issues no new resourceVersion', async () => {
    const { store } = testNode('a')
    const created = await store.create('pods', pod('web', { a: '1' }))
    const again = await store.replace('pods', pod('web', { a: '1' }))
    expect(again.metadata.resourceVersion).toBe(created.metadata.resourceVersion)
  })

  it('honours resourceVersion and uid preconditions', async () => {
    const { store } = testNode('a')
    const created = await store.create('pods', pod('web'))
    const withRv = { ...pod('web', { x: '1' }), metadata: { ...pod('web', { x: '1' }).metadata, resourceVersion: created.metadata.resourceVersion! } }
    await store.replace('pods', withRv)
    await expect(store.replace('pods', withRv)).rejects.toBeInstanceOf(ConflictError)
    await expect(store.replace('pods', pod('web'), { expectedUid: 'other' })).rejects.toBeInstanceOf(ConflictError)
    await expect(store.replace('pods', pod('nope'))).rejects.toBeInstanceOf(NotFoundError)
  })
})

describe('ObjectStore patch, status and delete', () => {
  it('merge-patches labels per key and replaces arrays', async () => {
    const { store } = testNode('a')
    await store.create('pods', pod('web', { a: '1', b: '2' }))
    const patched = await store.patch('pods', 'default', 'web', { metadata: { labels: { b: null, c: '3' } }, spec: { containers: [{ name: 'd' }] } })
    expect(patched.metadata.labels).toEqual({ a: '1', c: '3' })
    expect(patched.spec).toEqual({ containers: [{ name: 'd' }] })
    expect(patched.metadata.generation).toBe(2)
    await expect(store.patch('pods', 'default', 'web', [1] as JsonValue)).rejects.toBeInstanceOf(InvalidObjectError)
    await expect(store.patch('pods', 'default', 'web', { metadata: { resourceVersion: '1' } })).rejects.toBeInstanceOf(ConflictError)
  })

  it('status is written only through updateStatus and does not bump generation', async () => {
    const { store } = testNode('a')
    await store.create('pods', pod('web'))
    const s = await store.updateStatus('pods', 'default', 'web', { phase: 'Running' })
    expect(s.status).toEqual({ phase: 'Running' })
    expect(s.metadata.generation).toBe(1)
    expect((await store.patch('pods', 'default', 'web', { status: { phase: 'Failed' } })).status).toEqual({ phase: 'Running' })
    expect((await store.updateStatus('pods', 'default', 'web', undefined)).status).toBeUndefined()
  })

  it('delete returns the last state with a new resourceVersion', async () => {
    const { store } = testNode('a')
    const created = await store.create('pods', pod('web'))
    const deleted = await store.delete('pods', 'default', 'web')
    expect(deleted.metadata.uid).toBe(created.metadata.uid)
    expect(Number(deleted.metadata.resourceVersion)).toBe(Number(created.metadata.resourceVersion) + 1)
    expect(store.get('pods', 'default', 'web')).toBeUndefined()
    await expect(store.delete('pods', 'default', 'web')).rejects.toBeInstanceOf(NotFoundError)
  })

  it('deleting a namespace deletes everything in it and nothing else', async () => {
    const { store } = testNode('a')
    await store.create('namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'prod' } })
    await store.create('pods', { ...pod('a'), metadata: { name: 'a', namespace: 'prod' } })
    await store.create('services', { apiVersion: 'v1', kind: 'Service', metadata: { name: 's', namespace: 'prod' }, spec: {} })
    await store.create('pods', pod('keep'))
    await store.create('pods', { ...pod('a'), metadata: { name: 'a', namespace: 'prod2' } })
    const ns = await store.delete('namespaces', undefined, 'prod')
    expect(ns.kind).toBe('Namespace')
    expect(store.list('pods').items.map((p) => `${p.metadata.namespace}/${p.metadata.name}`)).toEqual(['default/keep', 'prod2/a'])
    expect(store.list('services').items).toEqual([])
    const orphans = await store.deleteNamespace('prod2')
    expect(orphans.map((o) => o.metadata.name)).toEqual(['a'])
    await expect(store.deleteNamespace('prod2')).rejects.toBeInstanceOf(NotFoundError)
  })
})

describe('JSON merge patch (RFC 7386 appendix A)', () => {
  const cases: [JsonValue, JsonValue, JsonValue][] = [
    [{ a: 'b' }, { a: 'c' }, { a: 'c' }],
    [{ a: 'b' }, { b: 'c' }, { a: 'b', b: 'c' }],
    [{ a: 'b' }, { a: null }, {}],
    [{ a: 'b', b: 'c' }, { a: null }, { b: 'c' }],
    [{ a: ['b'] }, { a: 'c' }, { a: 'c' }],
    [{ a: 'c' }, { a: ['b'] }, { a: ['b'] }],
    [{ a: { b: 'c' } }, { a: { b: 'd', c: null } }, { a: { b: 'd' } }],
    [{ a: [{ b: 'c' }] }, { a: [1] }, { a: [1] }],
    [['a', 'b'], ['c', 'd'], ['c', 'd']],
    [{ a: 'b' }, ['c'], ['c']],
    [{ a: 'foo' }, null, null],
    [{ a: 'foo' }, 'bar', 'bar'],
    [{ e: null }, { a: 1 }, { e: null, a: 1 }],
    [[1, 2], { a: 'b', c: null }, { a: 'b' }],
    [{}, { a: { bb: { ccc: null } } }, { a: { bb: {} } }],
  ]
  it.each(cases)('%j + %j', (target, patch, result) => {
    expect(applyMergePatch(target, patch)).toEqual(result)
  })

  it('keeps a __proto__ key as data', () => {
    const patched = applyMergePatch({}, JSON.parse('{"__proto__": {"x": 1}}') as JsonValue)
    expect(Object.keys(patched as object)).toEqual(['__proto__'])
    expect(({} as Record<string, unknown>)['x']).toBeUndefined()
  })
})
