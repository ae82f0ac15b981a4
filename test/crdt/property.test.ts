import { describe, expect, it } from 'vitest'
import { Prng } from '../../lib/prng.js'
import { AlreadyExistsError, NotFoundError } from '../../crdt/errors.js'
import { docToJSON } from '../../crdt/model/doc-json.js'
import type { TestNode } from './helpers.js'
import { exchange, MemoryNet, snapshot, testNode } from './helpers.js'

const NAMES = ['a', 'b', 'c', 'd']
const NAMESPACES = ['default', 'prod']
const LABEL_KEYS = ['app', 'tier', 'track']

/** Returns whether the operation succeeded on that node. */
async function randomOperation(node: TestNode, prng: Prng): Promise<boolean> {
  const ns = prng.pick(NAMESPACES)
  const name = prng.pick(NAMES)
  const kind = prng.chance(0.8) ? 'pods' : 'services'
  const roll = prng.next()
  try {
    if (roll < 0.25) {
      const labels = Object.fromEntries(LABEL_KEYS.filter(() => prng.chance(0.5)).map((k) => [k, `v${prng.int(0, 3)}`]))
      await node.store.create(kind, { apiVersion: 'v1', kind: 'X', metadata: { name, namespace: ns, labels }, spec: { n: prng.int(0, 5) } })
    } else if (roll < 0.45) {
      await node.store.replace(kind, { apiVersion: 'v1', kind: 'X', metadata: { name, namespace: ns }, spec: { n: prng.int(0, 5), m: [prng.int(0, 2)] } })
    } else if (roll < 0.7) {
      const key = prng.pick(LABEL_KEYS)
      await node.store.patch(kind, ns, name, { metadata: { labels: { [key]: prng.chance(0.3) ? null : `v${prng.int(0, 3)}` } } })
    } else if (roll < 0.8) {
      await node.store.updateStatus(kind, ns, name, { phase: prng.pick(['Pending', 'Running', 'Failed']), by: node.name })
    } else if (roll < 0.97) {
      await node.store.delete(kind, ns, name)
    } else {
      await node.store.deleteNamespace(ns)
    }
    return true
  } catch (err) {
    // Operations on objects that this node does not (yet) see are expected to fail.
    if (!(err instanceof NotFoundError) && !(err instanceof AlreadyExistsError)) throw err
    return false
  }
}

/** Deliver some queued messages: random ones, sometimes keeping a copy to deliver again later. */
function partialDelivery(net: MemoryNet, prng: Prng): void {
  const count = prng.int(0, Math.min(net.queue.length, 6) + 1)
  for (let i = 0; i < count; i++) {
    const at = prng.int(0, net.queue.length)
    const e = net.queue[at]!
    net.deliver(e)
    if (!prng.chance(0.2)) net.queue.splice(at, 1)
  }
}

/** What the store's index says, without resourceVersions: must equal the document itself. */
function indexView(node: TestNode): string {
  const json = docToJSON(node.doc)
  const view: Record<string, Record<string, unknown>> = {}
  for (const kind of Object.keys(json)) {
    view[kind] = {}
    for (const obj of node.store.list(kind).items) {
      const { resourceVersion: _rv, ...metadata } = obj.metadata
      const key = obj.metadata.namespace === undefined ? obj.metadata.name : `${obj.metadata.namespace}/${obj.metadata.name}`
      view[kind][key] = { ...obj, metadata }
    }
  }
  return JSON.stringify(view)
}

describe('convergence property', () => {
  it('random operations at random nodes, delivered out of order with duplicates, converge (200 seeds)', async () => {
    let succeeded = 0
    let objects = 0
    for (let seed = 1; seed <= 200; seed++) {
      const prng = new Prng(seed)
      const net = new MemoryNet()
      const nodes = [0, 1, 2].map((i) => testNode(`n${i}`, {}, seed * 10 + i))
      for (const n of nodes) net.add(n.name, n.doc)
      const ops = prng.int(10, 40)
      for (let i = 0; i < ops; i++) {
        if (await randomOperation(prng.pick(nodes), prng)) succeeded++
        partialDelivery(net, prng)
      }
      const leftovers = [...net.queue]
      net.flush(prng)
      for (const e of prng.shuffle(leftovers).slice(0, 5)) net.deliver(e)
      const expected = snapshot(nodes[0]!.doc)
      for (const n of nodes) {
        expect(snapshot(n.doc), `seed ${seed} node ${n.name}`).toBe(expected)
        expect(indexView(n), `seed ${seed} index of ${n.name}`).toBe(JSON.stringify(docToJSON(n.doc)))
      }
      objects += nodes[0]!.store.list('pods').items.length
    }
    // The run must have exercised the store, not just collected NotFound errors.
    expect(succeeded).toBeGreaterThan(1000)
    expect(objects).toBeGreaterThan(200)
  })

  it('anti-entropy alone repairs a network that dropped every message (50 seeds)', async () => {
    for (let seed = 1; seed <= 50; seed++) {
      const prng = new Prng(seed)
      const net = new MemoryNet()
      const nodes = [0, 1, 2].map((i) => testNode(`n${i}`, {}, seed * 10 + i))
      for (const n of nodes) net.add(n.name, n.doc)
      for (let i = 0; i < 30; i++) {
        await randomOperation(prng.pick(nodes), prng)
        if (prng.chance(0.3)) partialDelivery(net, prng)
        if (prng.chance(0.2)) net.queue = []
      }
      net.queue = []
      exchange(nodes[0]!, nodes[1]!)
      exchange(nodes[1]!, nodes[2]!)
      exchange(nodes[2]!, nodes[0]!)
      const expected = snapshot(nodes[0]!.doc)
      for (const n of nodes) expect(snapshot(n.doc), `seed ${seed}`).toBe(expected)
    }
  })
})
