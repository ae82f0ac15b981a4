import { describe, expect, it } from 'vitest'
import { InvalidResourceVersionError, ResourceVersionTooOldError } from '../../crdt/errors.js'
import type { WatchEvent } from '../../crdt/watch/object-filter.js'
import type { WatchStream } from '../../crdt/watch/watch-stream.js'
import { MemoryNet, pod, testNode } from './helpers.js'

/** The next `n` events of a stream (the test times out if they never come). */
async function take(stream: WatchStream, n: number): Promise<WatchEvent[]> {
  const out: WatchEvent[] = []
  if (n === 0) return out
  for await (const e of stream) {
    out.push(e)
    if (out.length === n) break
  }
  return out
}

const summary = (events: WatchEvent[]): string[] => events.map((e) => `${e.type} ${e.object.metadata.name} ${e.object.metadata.resourceVersion}`)

describe('watch', () => {
  it('streams ADDED, MODIFIED and DELETED for local changes with increasing resourceVersions', async () => {
    const { store } = testNode('a')
    const stream = store.watch('pods', { resourceVersion: store.resourceVersion })
    await store.create('pods', pod('web'))
    await store.patch('pods', 'default', 'web', { metadata: { labels: { a: '1' } } })
    await store.replace('pods', pod('web', { a: '1' })) // no change: no event
    await store.create('services', { apiVersion: 'v1', kind: 'Service', metadata: { name: 'other' } })
    await store.delete('pods', 'default', 'web')
    expect(summary(await take(stream, 3))).toEqual(['ADDED web 1001', 'MODIFIED web 1002', 'DELETED web 1004'])
  })

  it('streams changes that arrive from another node', async () => {
    const net = new MemoryNet()
    const a = testNode('a', {}, 1)
    const b = testNode('b', {}, 2)
    net.add('a', a.doc)
    net.add('b', b.doc)
    const stream = b.store.watch('pods', { resourceVersion: b.store.resourceVersion })
    await a.store.create('pods', pod('web'))
    await a.store.updateStatus('pods', 'default', 'web', { phase: 'Running' })
    await a.store.delete('pods', 'default', 'web')
    net.flush()
    const events = await take(stream, 3)
    expect(events.map((e) => e.type)).toEqual(['ADDED', 'MODIFIED', 'DELETED'])
    expect(events[1]!.object.status).toEqual({ phase: 'Running' })
  })

  it('without a resourceVersion it starts with ADDED for every current object', async () => {
    const { store } = testNode('a')
    await store.create('pods', pod('b'))
    await store.create('pods', pod('a'))
    const stream = store.watch('pods')
    await store.create('pods', pod('c'))
    expect(summary(await take(stream, 3))).toEqual(['ADDED a 1002', 'ADDED b 1001', 'ADDED c 1003'])
  })

  it('resumes after a list from the list resourceVersion without gaps or repeats', async () => {
    const { store } = testNode('a')
    await store.create('pods', pod('a'))
    const list = store.list('pods')
    await store.create('pods', pod('b'))
    await store.delete('pods', 'default', 'a')
    const stream = store.watch('pods', { resourceVersion: list.resourceVersion })
    await store.create('pods', pod('c'))
    expect(summary(await take(stream, 3))).toEqual(['ADDED b 1002', 'DELETED a 1003', 'ADDED c 1004'])
  })

  it('refuses versions outside the history with ResourceVersionTooOldError', async () => {
    const { store } = testNode('a', { historySize: 5 })
    const start = store.resourceVersion
    for (let i = 0; i < 8; i++) await store.create('pods', pod(`p${i}`))
    expect(() => store.watch('pods', { resourceVersion: start })).toThrow(ResourceVersionTooOldError)
    expect(() => store.watch('pods', { resourceVersion: '1002' })).toThrow(/too old resource version: 1002 \(oldest available 1003\)/)
    expect(() => store.watch('pods', { resourceVersion: '99999999' })).toThrow(ResourceVersionTooOldError)
    expect(() => store.watch('pods', { resourceVersion: 'abc' })).toThrow(InvalidResourceVersionError)
    const ok = store.watch('pods', { resourceVersion: '1003' })
    expect((await take(ok, 5)).map((e) => e.object.metadata.name)).toEqual(['p3', 'p4', 'p5', 'p6', 'p7'])
  })

  it('a filtered watch sees objects enter as ADDED and leave as DELETED', async () => {
    const { store } = testNode('a')
    await store.create('pods', pod('web', { app: 'web' }))
    const stream = store.watch('pods', { labelSelector: 'app=web', namespace: 'default', resourceVersion: store.resourceVersion })
    await store.patch('pods', 'default', 'web', { metadata: { labels: { app: 'db' } } })
    await store.create('pods', pod('db', { app: 'db' }))
    await store.create('pods', { ...pod('other'), metadata: { name: 'other', namespace: 'prod', labels: { app: 'web' } } })
    await store.patch('pods', 'default', 'web', { metadata: { labels: { app: 'web' } } })
    await store.patch('pods', 'default', 'web', { metadata: { annotations: { x: 'y' } } })
    expect(summary(await take(stream, 3))).toEqual(['DELETED web 1002', 'ADDED web 1005', 'MODIFIED web 1006'])
  })

  it('a node that loses a create race sees the winner replace its object', async () => {
    const net = new MemoryNet()
    const a = testNode('a', {}, 1)
    const b = testNode('b', {}, 2)
    net.add('a', a.doc)
    net.add('b', b.doc)
    await a.store.create('pods', pod('web', { by: 'a' }))
    await b.store.create('pods', pod('web', { by: 'b' }))
    const streams = [a, b].map((n) => n.store.watch('pods', { resourceVersion: n.store.resourceVersion }))
    net.flush()
    const winner = a.store.get('pods', 'default', 'web')!.metadata.labels!['by']
    const loser = winner === 'a' ? 1 : 0
    expect((await take(streams[loser]!, 2)).map((e) => `${e.type} ${e.object.metadata.labels!['by']}`)).toEqual([
      `DELETED ${winner === 'a' ? 'b' : 'a'}`,
      `ADDED ${winner}`,
    ])
  })

  it('ends on abort, on close, and when the consumer falls too far behind', async () => {
    const { store } = testNode('a', { maxQueued: 3 })
    const controller = new AbortController()
    const aborted = store.watch('pods', { signal: controller.signal })
    const slow = store.watch('pods')
    const closed = store.watch('pods')
    controller.abort()
    closed.close()
    for (let i = 0; i < 5; i++) await store.create('pods', pod(`p${i}`))
    expect(await take(aborted, 1)).toEqual([])
    expect(aborted.closeReason).toBe('aborted')
    expect(await take(closed, 1)).toEqual([])
    expect(slow.closeReason).toBe('overflow')
    expect(await take(slow, 1)).toEqual([])
    store.stop()
    expect(store.watch('pods').closeReason).toBe('stopped')
  })

  it('the initial replay does not count against the queue limit', async () => {
    const { store } = testNode('a', { maxQueued: 2 })
    for (let i = 0; i < 5; i++) await store.create('pods', pod(`p${i}`))
    const stream = store.watch('pods')
    await store.create('pods', pod('live'))
    expect((await take(stream, 6)).map((e) => e.object.metadata.name)).toEqual(['p0', 'p1', 'p2', 'p3', 'p4', 'live'])
    const replay = store.watch('pods', { resourceVersion: '1000' })
    expect(await take(replay, 6)).toHaveLength(6)
  })

  it('callback subscribers get events outside the transaction and may write from the handler', async () => {
    const { store } = testNode('a')
    const seen: string[] = []
    const unsubscribe = store.subscribe('pods', { resourceVersion: store.resourceVersion }, (e) => {
      seen.push(`${e.type} ${e.object.metadata.name}`)
      if (e.type === 'ADDED' && e.object.metadata.name === 'web') void store.updateStatus('pods', 'default', 'web', { phase: 'Seen' })
    })
    await store.create('pods', pod('web'))
    await new Promise((r) => setTimeout(r, 10))
    expect(seen).toEqual(['ADDED web', 'MODIFIED web'])
    expect(store.get('pods', 'default', 'web')?.status).toEqual({ phase: 'Seen' })
    unsubscribe()
    await store.delete('pods', 'default', 'web')
    await new Promise((r) => setTimeout(r, 10))
    expect(seen).toHaveLength(2)
  })
})
