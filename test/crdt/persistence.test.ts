import { appendFile, copyFile, mkdtemp, rm, stat } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { RecordFile } from '../../lib/record-file.js'
import { ObjectStore } from '../../crdt/object-store.js'
import { PeerOrigin } from '../../crdt/origin.js'
import { DocPersistence } from '../../crdt/persistence/doc-persistence.js'
import type { DocPersistenceInit } from '../../crdt/persistence/doc-persistence.js'
import type { TestNode } from './helpers.js'
import { exchange, pod, silent, snapshot, testNode } from './helpers.js'

let dir: string
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'shoal-crdt-'))
})
afterEach(async () => {
  await rm(dir, { recursive: true, force: true })
})

interface DiskNode {
  doc: Y.Doc
  store: ObjectStore
  persistence: DocPersistence
  stop(): Promise<void>
}

async function diskNode(init: Partial<DocPersistenceInit> = {}): Promise<DiskNode> {
  const doc = new Y.Doc()
  const persistence = new DocPersistence({ doc, logger: silent() }, { path: join(dir, 'crdt.log'), ...init })
  const store = new ObjectStore({ doc, logger: silent(), durability: persistence })
  await persistence.start()
  store.start()
  return {
    doc,
    store,
    persistence,
    stop: async () => {
      store.stop()
      await persistence.stop()
    },
  }
}

/** What a crash right now would leave: the file's records replayed into a fresh document. */
async function onDisk(): Promise<string> {
  await copyFile(join(dir, 'crdt.log'), join(dir, 'copy.log'))
  const { file, records } = await RecordFile.open(join(dir, 'copy.log'))
  await file.close()
  const doc = new Y.Doc()
  for (const r of records) Y.applyUpdate(doc, r)
  return snapshot(doc)
}

describe('DocPersistence', () => {
  it('a write is on disk when the store acknowledges it, and a restart reloads the document', async () => {
    const a = await diskNode()
    await a.store.create('pods', pod('web', { app: 'web' }))
    expect(await onDisk()).toBe(snapshot(a.doc))
    await a.store.patch('pods', 'default', 'web', { metadata: { labels: { tier: 'x' } } })
    await a.store.delete('pods', 'default', 'web')
    await a.store.create('pods', pod('db'))
    expect(await onDisk()).toBe(snapshot(a.doc))
    const before = snapshot(a.doc)
    await a.stop()
    const b = await diskNode()
    expect(snapshot(b.doc)).toBe(before)
    expect(b.store.list('pods').items.map((p) => p.metadata.name)).toEqual(['db'])
    await b.stop()
  })

  it('remote updates reach the disk without a local writer', async () => {
    const a = await diskNode({ flushDelayMs: 5 })
    const peer = testNode('peer')
    await peer.store.create('pods', pod('remote'))
    Y.applyUpdate(a.doc, Y.encodeStateAsUpdate(peer.doc), new PeerOrigin('peer', 'gossip'))
    await new Promise((r) => setTimeout(r, 50))
    expect(await onDisk()).toContain('"remote"')
    await a.stop()
  })

  it('tolerates a torn tail', async () => {
    const a = await diskNode()
    for (let i = 0; i < 5; i++) await a.store.create('pods', pod(`p${i}`))
    const before = snapshot(a.doc)
    await a.stop()
    // A crash in the middle of appending a record: a header and part of its payload.
    await appendFile(join(dir, 'crdt.log'), Buffer.from([0x53, 0x48, 0x4f, 0x4c, 0, 0, 1, 0, 1, 2, 3, 4, 5]))
    const b = await diskNode()
    expect(snapshot(b.doc)).toBe(before)
    await b.store.create('pods', pod('after'))
    await b.stop()
    const c = await diskNode()
    expect(c.store.list('pods').items).toHaveLength(6)
    await c.stop()
  })

  it('compacts into one snapshot record and keeps the content', async () => {
    const a = await diskNode({ compactBytes: 4096, compactRatio: 2 })
    for (let i = 0; i < 100; i++) {
      await a.store.create('pods', pod(`p${i}`, { i: String(i) }))
      if (i % 2 === 0) await a.store.delete('pods', 'default', `p${i}`)
    }
    // Never more than compactRatio x the whole state (plus the record being appended).
    const size = (await stat(join(dir, 'crdt.log'))).size
    expect(size).toBeLessThan(Y.encodeStateAsUpdate(a.doc).byteLength * 2 + 1024)
    const { file, records } = await RecordFile.open(join(dir, 'crdt.log'))
    await file.close()
    expect(records.length).toBeLessThan(50) // 150 updates were written
    const before = snapshot(a.doc)
    await a.stop()
    const b = await diskNode()
    expect(snapshot(b.doc)).toBe(before)
    expect(b.store.list('pods').items).toHaveLength(50)
    await b.stop()
  })

  it('loses no update that arrives while a compaction is rewriting the file', async () => {
    const a = await diskNode()
    for (let i = 0; i < 20; i++) await a.store.create('pods', pod(`p${i}`))
    const writes = Array.from({ length: 20 }, (_, i) => a.store.create('pods', pod(`q${i}`)))
    const compaction = a.persistence.compact()
    writes.push(...Array.from({ length: 20 }, (_, i) => a.store.create('pods', pod(`r${i}`))))
    await Promise.all([...writes, compaction])
    expect(await onDisk()).toBe(snapshot(a.doc))
    await a.stop()
    const b = await diskNode()
    expect(b.store.list('pods').items).toHaveLength(60)
    await b.stop()
  })

  it('a node restarted after missing writes catches up by sync', async () => {
    const a = await diskNode()
    const peer = testNode('peer')
    await a.store.create('pods', pod('mine'))
    exchange({ name: 'a', doc: a.doc, store: a.store }, peer)
    await a.stop()
    await peer.store.create('pods', pod('while-down'))
    await peer.store.delete('pods', 'default', 'mine')
    const b = await diskNode()
    const restarted: TestNode = { name: 'a', doc: b.doc, store: b.store }
    exchange(restarted, peer)
    expect(snapshot(b.doc)).toBe(snapshot(peer.doc))
    expect(b.store.list('pods').items.map((p) => p.metadata.name)).toEqual(['while-down'])
    await b.stop()
    const c = await diskNode()
    expect(snapshot(c.doc)).toBe(snapshot(peer.doc))
    await c.stop()
  })
})
