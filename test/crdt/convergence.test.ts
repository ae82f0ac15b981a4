import { describe, expect, it } from 'vitest'
import { Prng } from '../../lib/prng.js'
import type { TestNode } from './helpers.js'
import { exchange, MemoryNet, pod, snapshot, testNode } from './helpers.js'

function cluster(n: number): { nodes: TestNode[]; net: MemoryNet } {
  const net = new MemoryNet()
  const nodes = Array.from({ length: n }, (_, i) => testNode(`n${i}`, {}, i + 1))
  for (const node of nodes) net.add(node.name, node.doc)
  return { nodes, net }
}

function expectConverged(nodes: TestNode[]): string {
  const first = snapshot(nodes[0]!.doc)
  for (const node of nodes) expect(snapshot(node.doc)).toBe(first)
  return first
}

describe('concurrent writes on three nodes', () => {
  it('different labels edited on two nodes both survive', async () => {
    const { nodes, net } = cluster(3)
    const [a, b, c] = nodes as [TestNode, TestNode, TestNode]
    await a.store.create('pods', pod('web', { app: 'web' }))
    net.flush()
    await a.store.patch('pods', 'default', 'web', { metadata: { labels: { tier: 'frontend' } } })
    await b.store.patch('pods', 'default', 'web', { metadata: { labels: { canary: 'true', app: null } } })
    net.flush(new Prng(7))
    expectConverged(nodes)
    expect(c.store.get('pods', 'default', 'web')?.metadata.labels).toEqual({ canary: 'true', tier: 'frontend' })
  })

  it('conflicting spec replaces converge to one of them everywhere', async () => {
    const { nodes, net } = cluster(3)
    await nodes[0]!.store.create('pods', pod('web'))
    net.flush()
    for (const [i, node] of nodes.entries()) await node.store.replace('pods', pod('web', {}, { containers: [{ name: 'c', image: `img-${i}` }] }))
    net.flush(new Prng(3))
    expectConverged(nodes)
    const winner = nodes[0]!.store.get('pods', 'default', 'web')!
    expect(['img-0', 'img-1', 'img-2']).toContain((winner.spec as { containers: { image: string }[] }).containers[0]!.image)
    expect(winner.metadata.generation).toBe(2)
  })

  it('a spec replace and a status update from the owner both survive', async () => {
    const { nodes, net } = cluster(2)
    await nodes[0]!.store.create('pods', pod('web'))
    net.flush()
    await nodes[0]!.store.replace('pods', pod('web', {}, { containers: [{ name: 'c', image: 'new' }] }))
    await nodes[1]!.store.updateStatus('pods', 'default', 'web', { phase: 'Running' })
    net.flush()
    expectConverged(nodes)
    const obj = nodes[1]!.store.get('pods', 'default', 'web')!
    expect(obj.status).toEqual({ phase: 'Running' })
    expect(obj.spec).toEqual({ containers: [{ name: 'c', image: 'new' }] })
  })

  it('a delete racing a label edit converges to deleted', async () => {
    const { nodes, net } = cluster(3)
    await nodes[0]!.store.create('pods', pod('web'))
    net.flush()
    await nodes[0]!.store.delete('pods', 'default', 'web')
    await nodes[1]!.store.patch('pods', 'default', 'web', { metadata: { labels: { x: '1' } } })
    net.flush(new Prng(11))
    expectConverged(nodes)
    for (const node of nodes) expect(node.store.get('pods', 'default', 'web')).toBeUndefined()
  })

  it('two nodes creating one name converge to a single object', async () => {
    const { nodes, net } = cluster(3)
    await nodes[0]!.store.create('pods', pod('web', { by: 'n0' }))
    await nodes[1]!.store.create('pods', pod('web', { by: 'n1' }))
    net.flush(new Prng(5))
    expectConverged(nodes)
    const uids = nodes.map((n) => n.store.get('pods', 'default', 'web')?.metadata.uid)
    expect(new Set(uids).size).toBe(1)
  })

  it('a node offline during writes catches up through step 1 / step 2', async () => {
    const { nodes, net } = cluster(3)
    const [a, b, c] = nodes as [TestNode, TestNode, TestNode]
    await a.store.create('pods', pod('early'))
    net.flush()
    for (let i = 0; i < 20; i++) await (i % 2 === 0 ? a : b).store.create('pods', pod(`p${i}`, { i: String(i) }))
    await a.store.delete('pods', 'default', 'early')
    await c.store.create('pods', pod('offline-write'))
    net.drop('n2')
    net.flush()
    expect(snapshot(c.doc)).not.toBe(snapshot(a.doc))
    exchange(c, a)
    exchange(b, c)
    expectConverged(nodes)
    expect(c.store.list('pods').items).toHaveLength(21)
    expect(c.store.get('pods', 'default', 'early')).toBeUndefined()
    expect(a.store.get('pods', 'default', 'offline-write')).toBeDefined()
  })

  it('an exchange between documents already in sync transfers only empty updates', async () => {
    const a = testNode('a')
    const b = testNode('b')
    await a.store.create('pods', pod('web'))
    expect(exchange(a, b)).toBeGreaterThan(100)
    const before = snapshot(b.doc)
    expect(exchange(a, b)).toBeLessThanOrEqual(4)
    expect(snapshot(b.doc)).toBe(before)
  })
})
