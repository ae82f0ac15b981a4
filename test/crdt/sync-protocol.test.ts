import { noise } from '@chainsafe/libp2p-noise'
import { yamux } from '@chainsafe/libp2p-yamux'
import { identify } from '@libp2p/identify'
import type { Libp2p } from '@libp2p/interface'
import { tcp } from '@libp2p/tcp'
import * as lp from 'it-length-prefixed'
import { createLibp2p } from 'libp2p'
import { pino } from 'pino'
import type { Logger } from 'pino'
import { afterEach, describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import type { Startable } from '../../lib/startable.js'
import { encodeStep1, encodeUpdate } from '../../crdt/sync/sync-messages.js'
import { SYNC_PROTOCOL, SyncService } from '../../crdt/sync/sync-protocol.js'
import type { SyncServiceInit } from '../../crdt/sync/sync-protocol.js'
import { waitFor } from '../harness/wait.js'
import type { TestNode } from './helpers.js'
import { pod, silent, snapshot, testNode } from './helpers.js'

interface P2pNode extends TestNode {
  libp2p: Libp2p
  sync: SyncService
}

const running: Startable[] = []
afterEach(async () => {
  for (const r of running.splice(0).reverse()) await r.stop()
})

async function bareLibp2p(): Promise<Libp2p> {
  const libp2p = await createLibp2p({
    addresses: { listen: ['/ip4/127.0.0.1/tcp/0'] },
    transports: [tcp()],
    connectionEncrypters: [noise()],
    streamMuxers: [yamux()],
    services: { identify: identify() },
  })
  running.push(libp2p)
  return libp2p
}

async function p2pNode(name: string, init: SyncServiceInit = {}, logger: Logger = silent()): Promise<P2pNode> {
  const libp2p = await bareLibp2p()
  const node = testNode(name)
  const sync = new SyncService({ libp2p, doc: node.doc, logger }, { antiEntropyIntervalMs: 0, connectDelayMs: 100, ...init })
  await sync.start()
  running.push(sync)
  return { ...node, libp2p, sync }
}

async function connect(from: P2pNode | Libp2p, to: P2pNode): Promise<void> {
  const dialer = 'libp2p' in from ? from.libp2p : from
  await dialer.dial(to.libp2p.getMultiaddrs()[0]!)
  await waitFor(() => to.libp2p.getPeers().some((p) => p.equals(dialer.peerId)), { message: 'both ends see the connection' })
}

describe('SyncService over libp2p', () => {
  it('a node that joins late receives the whole document, and its own writes flow back', async () => {
    const a = await p2pNode('a')
    for (let i = 0; i < 300; i++) await a.store.create('pods', pod(`p${i}`, { i: String(i) }))
    const b = await p2pNode('b')
    await b.store.create('pods', pod('from-b'))
    await connect(b, a)
    await waitFor(() => snapshot(a.doc) === snapshot(b.doc), { message: 'a and b converge', timeoutMs: 10_000 })
    expect(b.store.list('pods').items).toHaveLength(301)

    const c = await p2pNode('c')
    await connect(c, b)
    await waitFor(() => c.store.list('pods').items.length === 301, { message: 'c catches up', timeoutMs: 10_000 })
    expect(snapshot(c.doc)).toBe(snapshot(a.doc))
  })

  it('carries a step 2 larger than the 4 MiB default frame limit', async () => {
    const a = await p2pNode('a', { syncOnConnect: false })
    await a.store.create('pods', pod('big', {}, { blob: 'x'.repeat(5 * 1024 * 1024) }))
    const b = await p2pNode('b', { syncOnConnect: false })
    await connect(b, a)
    const result = await b.sync.syncWith(a.libp2p.peerId)
    expect(result.receivedBytes).toBeGreaterThan(5 * 1024 * 1024)
    expect(snapshot(b.doc)).toBe(snapshot(a.doc))
  })

  it('syncWith reports what it received; anti-entropy repairs changes nobody gossiped', async () => {
    const a = await p2pNode('a', { antiEntropyIntervalMs: 100 })
    const b = await p2pNode('b', { antiEntropyIntervalMs: 100 })
    await connect(a, b)
    await a.store.create('pods', pod('x'))
    const result = await b.sync.syncWith(a.libp2p.peerId)
    expect(result.peer).toBe(a.libp2p.peerId.toString())
    expect(b.store.get('pods', 'default', 'x')).toBeDefined()
    await a.store.create('pods', pod('y'))
    await b.store.patch('pods', 'default', 'x', { metadata: { labels: { seen: 'b' } } })
    await waitFor(() => snapshot(a.doc) === snapshot(b.doc) && a.store.get('pods', 'default', 'x')?.metadata.labels?.['seen'] === 'b', {
      message: 'anti-entropy converges',
      timeoutMs: 5000,
    })
    expect(b.store.get('pods', 'default', 'y')).toBeDefined()
  })

  it('a peer sending garbage on /shoal/sync/1 does not hurt the receiver', async () => {
    const warnings: string[] = []
    const a = await p2pNode('a', {}, pino({ level: 'warn' }, { write: (line: string) => void warnings.push(line) }))
    await a.store.create('pods', pod('web'))
    const before = snapshot(a.doc)
    const evil = await bareLibp2p()
    const target = a.libp2p.getMultiaddrs()[0]!
    const junk = new Y.Doc()
    junk.getMap('pods').set('default/evil', 'x')
    const frames: Uint8Array[][] = [
      [new Uint8Array([1, 2, 3, 4, 5])], // not a sync message
      [encodeStep1(junk), encodeUpdate(new Uint8Array([9, 9, 9, 9]))], // good step 1, then an update that does not decode
      [new Uint8Array(0)], // an empty frame
    ]
    for (const batch of frames) {
      const stream = await evil.dialProtocol(target, SYNC_PROTOCOL)
      for (const f of batch) stream.send(lp.encode.single(f))
      await stream.close().catch(() => {})
    }
    // A frame header announcing 1 TiB, then random bytes.
    const raw = await evil.dialProtocol(target, SYNC_PROTOCOL)
    raw.send(new Uint8Array([0x80, 0x80, 0x80, 0x80, 0x80, 0x20, 1, 2, 3]))
    await raw.close().catch(() => {})
    // Half a frame, then the stream is reset.
    const torn = await evil.dialProtocol(target, SYNC_PROTOCOL)
    torn.send(new Uint8Array([100, 1, 2, 3]))
    torn.abort(new Error('gone'))

    await waitFor(() => warnings.length >= 5, { message: 'every bad exchange is logged', timeoutMs: 5000 })
    expect(warnings.every((w) => w.includes('inbound sync exchange failed'))).toBe(true)
    expect(warnings.join('\n')).toMatch(/malformed sync message/)
    expect(snapshot(a.doc)).toBe(before)

    // The receiver still syncs with an honest peer.
    const b = await p2pNode('b')
    await connect(b, a)
    await waitFor(() => b.store.get('pods', 'default', 'web') !== undefined, { message: 'b syncs from a', timeoutMs: 5000 })
    expect(snapshot(b.doc)).toBe(snapshot(a.doc))
  })
})
