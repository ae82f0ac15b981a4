import * as lp from 'it-length-prefixed'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { message } from '../../../consensus/core/types.js'
import type { Message } from '../../../consensus/core/types.js'
import { encodeFrame, RAFT_PROTOCOL } from '../../../consensus/transport/raft-protocol.js'
import { encodeBatch } from '../../../consensus/wire/codec.js'
import { newKey, Peer, portOf, waitFor } from './libp2p-fixture.js'

function heartbeat(from: string, to: string, commit: number): Message {
  return message({ type: 'heartbeat', from, to, term: 3, commit })
}

function append(from: string, to: string, i: number): Message {
  return message({ type: 'app', from, to, term: 3, index: i, entries: [{ term: 3, index: i + 1, type: 'normal', data: new Uint8Array(100) }] })
}

function snapshotMessage(from: string, to: string, bytes: number): Message {
  const data = new Uint8Array(bytes)
  for (let i = 0; i < bytes; i += 4096) data[i] = (i / 4096) % 251
  return message({
    type: 'snap',
    from,
    to,
    term: 4,
    snapshot: { metadata: { index: 1000, term: 4, confState: { voters: [from, to], learners: [], votersOutgoing: [], learnersNext: [], autoLeave: false } }, data },
  })
}

describe('RaftTransport between real libp2p nodes', () => {
  let a: Peer
  let b: Peer
  let c: Peer

  beforeAll(async () => {
    ;[a, b, c] = await Promise.all([Peer.start(), Peer.start(), Peer.start()])
    await a.node.dial(b.node.getMultiaddrs()[0]!)
    await c.node.dial(b.node.getMultiaddrs()[0]!)
    await a.node.dial(c.node.getMultiaddrs()[0]!)
  })

  afterAll(async () => {
    await Promise.all([a, b, c].map((p) => p.stop()))
  })

  afterEach(() => {
    for (const p of [a, b, c]) {
      p.received.length = 0
      p.senders.length = 0
      p.unreachable.length = 0
      p.snapshots.length = 0
    }
  })

  it('delivers messages in order per peer, over one stream each way', async () => {
    for (let round = 0; round < 20; round++) {
      a.transport.send(Array.from({ length: 50 }, (_, i) => heartbeat(a.id, b.id, round * 50 + i)))
      b.transport.send([heartbeat(b.id, a.id, round)])
      await new Promise((r) => setTimeout(r, round % 3))
    }
    await waitFor('1000 messages at b', () => b.received.length === 1000)
    expect(b.received.map((m) => m.commit)).toEqual(Array.from({ length: 1000 }, (_, i) => i))
    expect(new Set(b.senders)).toEqual(new Set([a.id]))
    await waitFor('20 replies at a', () => a.received.length === 20)
    expect(a.received.map((m) => m.commit)).toEqual(Array.from({ length: 20 }, (_, i) => i))
    const streams = a.node.getConnections(b.node.peerId).flatMap((conn) => conn.streams.filter((s) => s.protocol === RAFT_PROTOCOL))
    expect(streams.filter((s) => s.direction === 'outbound')).toHaveLength(1)
  })

  it('batches many messages into few frames under load', async () => {
    const before = a.transport.stats()
    for (let i = 0; i < 5000; i++) {
      a.transport.send([append(a.id, c.id, i)])
      // The driver hands over one Ready at a time; let the event loop turn now and then.
      if (i % 100 === 99) await new Promise((r) => setImmediate(r))
    }
    await waitFor('5000 appends at c', () => c.received.length === 5000)
    expect(c.received.map((m) => m.index)).toEqual(Array.from({ length: 5000 }, (_, i) => i))
    const after = a.transport.stats()
    expect(after.messagesSent - before.messagesSent).toBe(5000)
    expect(after.framesSent - before.framesSent).toBeLessThanOrEqual(100)
    expect(after.messagesDropped).toBe(before.messagesDropped)
  })

  it('drops the oldest messages when a peer queue overflows, never reordering', async () => {
    const before = a.transport.stats()
    for (let i = 0; i < 5000; i++) a.transport.send([append(a.id, c.id, i)])
    await waitFor('a full queue at c', () => c.received.length === 4096)
    await new Promise((r) => setTimeout(r, 50))
    expect(c.received.map((m) => m.index)).toEqual(Array.from({ length: 4096 }, (_, i) => 904 + i))
    expect(a.transport.stats().messagesDropped - before.messagesDropped).toBe(904)
  })

  it('passes a large snapshot in one frame and reports it delivered', async () => {
    const snap = snapshotMessage(a.id, b.id, 8 * 1024 * 1024)
    a.transport.send([snap, heartbeat(a.id, b.id, 1)])
    await waitFor('snapshot at b', () => b.received.length === 2, 20_000)
    // Compared as buffers: a deep equal over 8 M elements would dominate the test.
    expect(Buffer.from(b.received[0]!.snapshot!.data).equals(snap.snapshot!.data)).toBe(true)
    expect(b.received[0]!.snapshot!.metadata).toEqual(snap.snapshot!.metadata)
    expect(a.snapshots).toEqual([{ peer: b.id, index: 1000, ok: true }])
  })

  it('drops a message whose from is not the authenticated sender', async () => {
    // c claims to be a; b must keep c's own message and drop the forged one.
    c.transport.send([heartbeat(a.id, b.id, 666), heartbeat(c.id, b.id, 7)])
    await waitFor('c message at b', () => b.received.length === 1)
    await new Promise((r) => setTimeout(r, 50))
    expect(b.received.map((m) => [m.from, m.commit])).toEqual([[c.id, 7]])
    expect(b.transport.stats().messagesRejected).toBeGreaterThanOrEqual(1)
  })

  it('closes a stream carrying garbage or an oversized frame and keeps serving others', async () => {
    const before = b.transport.stats().badFrames
    const garbage = await c.node.dialProtocol(b.node.peerId, RAFT_PROTOCOL)
    garbage.send(lp.encode.single(new Uint8Array([1, 0xff, 0xff, 0xff, 0x7f, 9, 9, 9])))
    const oversized = await c.node.dialProtocol(b.node.peerId, RAFT_PROTOCOL)
    // A length prefix of 1 GiB: refused before its body is read.
    oversized.send(new Uint8Array([0x80, 0x80, 0x80, 0x80, 0x04, 1, 2, 3]))
    await waitFor('two bad frames', () => b.transport.stats().badFrames === before + 2)
    await waitFor('garbage streams closed', () => garbage.status !== 'open' && oversized.status !== 'open')
    a.transport.send([heartbeat(a.id, b.id, 42)])
    c.transport.send([heartbeat(c.id, b.id, 43)])
    await waitFor('messages after garbage', () => b.received.length === 2)
    expect(b.received.map((m) => m.commit).sort()).toEqual([42, 43])
  })

  it('refuses to send a message larger than the frame limit, and reports a lost snapshot', async () => {
    const small = await Peer.start({ maxFrameBytes: 64 * 1024 })
    try {
      await small.node.dial(b.node.getMultiaddrs()[0]!)
      small.transport.send([snapshotMessage(small.id, b.id, 256 * 1024), heartbeat(small.id, b.id, 5)])
      await waitFor('heartbeat after the dropped snapshot', () => b.received.length === 1)
      expect(b.received[0]!.type).toBe('heartbeat')
      expect(small.snapshots).toEqual([{ peer: b.id, index: 1000, ok: false }])
      expect(small.transport.stats().messagesDropped).toBe(1)
    } finally {
      await small.stop()
    }
  })

  it('reports a peer it cannot reach, and a snapshot it could not send', async () => {
    const ghost = (await newKey()).publicKey
    const { peerIdFromPublicKey } = await import('@libp2p/peer-id')
    const ghostId = peerIdFromPublicKey(ghost).toString()
    a.transport.send([heartbeat(a.id, ghostId, 1), snapshotMessage(a.id, ghostId, 1024)])
    await waitFor('unreachable report', () => a.unreachable.includes(ghostId))
    expect(a.snapshots).toEqual([{ peer: ghostId, index: 1000, ok: false }])
    // An id that is not a peer id at all is unreachable too, not a crash.
    a.transport.send([heartbeat(a.id, 'not-a-peer-id', 1)])
    await waitFor('unreachable report for a bad id', () => a.unreachable.includes('not-a-peer-id'))
    a.transport.removePeer(ghostId)
    a.transport.removePeer('not-a-peer-id')
  })

  it('unregisters the protocol on stop', async () => {
    const p = await Peer.start()
    expect(p.node.getProtocols()).toContain(RAFT_PROTOCOL)
    await p.transport.stop()
    expect(p.node.getProtocols()).not.toContain(RAFT_PROTOCOL)
    p.transport.send([heartbeat(p.id, b.id, 1)])
    await p.node.stop()
  })
})

describe('RaftTransport across a peer restart', () => {
  it('reconnects to a restarted peer and reports it unreachable while it is down', async () => {
    const key = await newKey()
    const a = await Peer.start({ reconnectBackoffMs: 20, maxReconnectBackoffMs: 200 })
    let b = await Peer.start({}, key)
    const port = portOf(b.node)
    try {
      await a.node.dial(b.node.getMultiaddrs()[0]!)
      a.transport.send([heartbeat(a.id, b.id, 1)])
      await waitFor('first message', () => b.received.length === 1)
      await b.stop()
      // Raft keeps sending heartbeats while the peer is down.
      let commit = 2
      const beat = setInterval(() => a.transport.send([heartbeat(a.id, b.id, commit++)]), 20)
      try {
        await waitFor('unreachable while down', () => a.unreachable.includes(b.id))
        b = await Peer.start({}, key, port)
        await waitFor('a message after the restart', () => b.received.length > 0, 15_000)
      } finally {
        clearInterval(beat)
      }
      const got = b.received.map((m) => m.commit)
      expect(got.every((n, i) => i === 0 || n > got[i - 1]!)).toBe(true)
      expect(frameRoundTrip()).toBe(true)
    } finally {
      await a.stop()
      await b.stop()
    }
  })
})

/** encodeFrame's length prefix matches its body, as the receiver's decoder expects. */
function frameRoundTrip(): boolean {
  const frame = encodeFrame([heartbeat('x', 'y', 1)], 1024)
  return frame.byteLength === encodeBatch([heartbeat('x', 'y', 1)]).byteLength + 1
}
