import { describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { Prng } from '../../lib/prng.js'
import { MalformedMessageError } from '../../crdt/errors.js'
import { decodeSyncMessage, encodeStep1, encodeStep2, encodeUpdate } from '../../crdt/sync/sync-messages.js'
import { SyncSession } from '../../crdt/sync/sync-session.js'
import { UpdateGossip } from '../../crdt/sync/update-gossip.js'
import { pod, silent, snapshot, testNode } from './helpers.js'

function gossipNode(name: string, init: { maxUpdateBytes?: number } = {}): { node: ReturnType<typeof testNode>; gossip: UpdateGossip; sent: Uint8Array[] } {
  const node = testNode(name)
  const sent: Uint8Array[] = []
  const gossip = new UpdateGossip({ doc: node.doc, logger: silent(), publish: async (b) => void sent.push(b) }, { flushDelayMs: 5, ...init })
  gossip.start()
  return { node, gossip, sent }
}

const settle = (ms = 30): Promise<void> => new Promise((r) => setTimeout(r, ms))

describe('sync message decoding', () => {
  const doc = new Y.Doc()
  doc.getMap('pods').set('x', 1)
  const update = Y.encodeStateAsUpdate(doc)
  const cases: [string, Uint8Array, RegExp][] = [
    ['empty', new Uint8Array(), /empty message/],
    ['unknown type', new Uint8Array([7, 0]), /unknown message type 7/],
    ['truncated payload', new Uint8Array([2, 10, 1, 2]), /update is truncated/],
    ['trailing bytes', new Uint8Array([...encodeUpdate(update), 0]), /trailing bytes/],
    ['update that does not decode', encodeUpdate(new Uint8Array([1, 2, 3, 4, 5, 6, 7])), /update does not decode/],
    ['bad state vector', new Uint8Array([0, 3, 5, 200, 200]), /state vector does not decode/],
  ]
  it.each(cases)('rejects %s', (_, bytes, message) => {
    expect(() => decodeSyncMessage(bytes)).toThrow(MalformedMessageError)
    expect(() => decodeSyncMessage(bytes)).toThrow(message)
  })

  it('enforces per-type size limits', () => {
    expect(() => decodeSyncMessage(encodeUpdate(update), { maxUpdateBytes: 4 })).toThrow(/exceeds the limit of 4/)
    expect(() => decodeSyncMessage(encodeStep2(doc, encodeStep1(new Y.Doc()).subarray(2)), { maxStep2Bytes: 4 })).toThrow(/step 2 of \d+ bytes/)
  })

  it('round-trips the three message types', () => {
    expect(decodeSyncMessage(encodeStep1(doc)).type).toBe('step1')
    expect(decodeSyncMessage(encodeUpdate(update))).toEqual({ type: 'update', update })
  })
})

describe('UpdateGossip', () => {
  it('coalesces local updates into one message that brings another node up to date', async () => {
    const { node, gossip, sent } = gossipNode('a')
    for (let i = 0; i < 10; i++) await node.store.create('pods', pod(`p${i}`))
    expect(sent).toHaveLength(0)
    await settle()
    expect(sent).toHaveLength(1)
    const b = gossipNode('b')
    expect(b.gossip.receive(sent[0]!, 'a')).toBe(true)
    expect(snapshot(b.node.doc)).toBe(snapshot(node.doc))
    await gossip.stop()
  })

  it('does not re-gossip updates received from peers', async () => {
    const a = gossipNode('a')
    const b = gossipNode('b')
    await a.node.store.create('pods', pod('web'))
    await settle()
    b.gossip.receive(a.sent[0]!, 'a')
    await settle()
    expect(b.sent).toHaveLength(0)
    expect(b.node.store.get('pods', 'default', 'web')).toBeDefined()
  })

  it('splits and skips what would exceed the message limit (anti-entropy carries it)', async () => {
    const { node, sent } = gossipNode('a', { maxUpdateBytes: 600 })
    await node.store.create('pods', pod('small'))
    await node.store.create('pods', pod('big', {}, { blob: 'x'.repeat(2000) }))
    await settle()
    expect(sent.length).toBeGreaterThanOrEqual(1)
    for (const m of sent) expect(m.byteLength).toBeLessThanOrEqual(610)
    const b = gossipNode('b')
    for (const m of sent) b.gossip.receive(m, 'a')
    expect(b.node.store.get('pods', 'default', 'small')).toBeDefined()
    expect(b.node.store.get('pods', 'default', 'big')).toBeUndefined()
  })

  it('drops garbage without changing the document or throwing (1000 seeded inputs)', async () => {
    const { node, gossip } = gossipNode('a')
    await node.store.create('pods', pod('web', { a: '1' }))
    const before = snapshot(node.doc)
    const sv = Y.encodeStateVector(node.doc)
    const prng = new Prng(42)
    let rejected = 0
    for (let i = 0; i < 1000; i++) {
      const bytes = Uint8Array.from({ length: prng.int(0, 64) }, () => prng.int(0, 256))
      if (prng.chance(0.5)) bytes[0] = 2 // make it look like an update message
      if (!gossip.receive(bytes, 'evil')) rejected++
    }
    expect(rejected).toBeGreaterThan(900)
    expect(snapshot(node.doc)).toBe(before)
    expect(Y.encodeStateVector(node.doc)).toEqual(sv)
    expect(gossip.receive(encodeStep1(node.doc), 'evil')).toBe(false)
  })

  it('survives bit flips in real update messages (never throws)', async () => {
    const { node, sent } = gossipNode('a')
    await node.store.create('pods', pod('web', { a: '1' }, { containers: [{ name: 'c', image: 'busybox' }] }))
    await settle()
    const prng = new Prng(9)
    for (let i = 0; i < 300; i++) {
      const b = gossipNode(`b${i}`)
      const bytes = Uint8Array.from(sent[0]!)
      for (let f = 0; f < prng.int(1, 4); f++) bytes[prng.int(0, bytes.length)] ^= 1 << prng.int(0, 8)
      expect(() => b.gossip.receive(bytes, 'a')).not.toThrow()
      expect(() => b.node.store.list('pods')).not.toThrow()
    }
  })
})

describe('SyncSession with a hostile peer', () => {
  it('rejects garbage and a second step 2 without applying anything', async () => {
    const a = testNode('a')
    await a.store.create('pods', pod('web'))
    const before = snapshot(a.doc)
    const session = new SyncSession(a.doc, 'peer')
    expect(() => session.receive(new Uint8Array([1, 200, 1, 2]))).toThrow(MalformedMessageError)
    const other = new Y.Doc()
    other.getMap('pods').set('junk', 'x')
    session.receive(encodeStep2(other, Y.encodeStateVector(a.doc)))
    expect(() => session.receive(encodeStep2(other, Y.encodeStateVector(a.doc)))).toThrow(/second step 2/)
    expect(snapshot(a.doc)).toBe(before) // a non-object value under a key is not an object
    expect(a.store.list('pods').items).toHaveLength(1)
  })
})
