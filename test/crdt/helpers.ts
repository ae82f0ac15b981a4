import { pino } from 'pino'
import type { Logger } from 'pino'
import * as Y from 'yjs'
import { Prng } from '../../lib/prng.js'
import { ObjectStore } from '../../crdt/object-store.js'
import type { ObjectStoreInit } from '../../crdt/object-store.js'
import { isLocalOrigin, PeerOrigin } from '../../crdt/origin.js'
import { SyncSession } from '../../crdt/sync/sync-session.js'
import type { KubeObject } from '../../crdt/model/kube-object.js'
import { docToJSON } from '../../crdt/model/doc-json.js'

export const silent = (): Logger => pino({ level: 'silent' })

export interface TestNode {
  name: string
  doc: Y.Doc
  store: ObjectStore
}

/** A started store on a fresh document, with a pinned clock and uids from a seeded PRNG. */
export function testNode(name: string, init: ObjectStoreInit = {}, seed = 1): TestNode {
  const doc = new Y.Doc()
  const prng = new Prng(seed)
  const hex = (): string => prng.int(0, 0x10000).toString(16).padStart(4, '0')
  const store = new ObjectStore(
    { doc, logger: silent() },
    {
      now: () => new Date('2025-01-01T00:00:00Z'),
      newUid: () => `${hex()}${hex()}-${hex()}-${hex()}-${hex()}-${hex()}${hex()}${hex()}`,
      random: () => prng.next(),
      resourceVersionSeed: 1000,
      ...init,
    },
  )
  store.start()
  return { name, doc, store }
}

interface Envelope {
  from: string
  to: string
  update: Uint8Array
}

/**
 * An in-memory network between documents: every local update is queued for every other node;
 * tests choose when and in what order messages arrive (and may duplicate or drop them).
 */
export class MemoryNet {
  queue: Envelope[] = []
  private readonly docs = new Map<string, Y.Doc>()

  add(name: string, doc: Y.Doc): void {
    this.docs.set(name, doc)
    doc.on('update', (update: Uint8Array, origin: unknown) => {
      if (!isLocalOrigin(origin)) return
      for (const to of this.docs.keys()) if (to !== name) this.queue.push({ from: name, to, update })
    })
  }

  deliver(e: Envelope): void {
    Y.applyUpdate(this.docs.get(e.to)!, e.update, new PeerOrigin(e.from, 'gossip'))
  }

  /** Deliver everything queued, in order (or shuffled by `prng`). */
  flush(prng?: Prng): void {
    const batch = this.queue.splice(0)
    if (prng !== undefined) prng.shuffle(batch)
    for (const e of batch) this.deliver(e)
  }

  /** Drop messages to or from `name` (a node that is offline). */
  drop(name: string): void {
    this.queue = this.queue.filter((e) => e.from !== name && e.to !== name)
  }
}

export function snapshot(doc: Y.Doc): string {
  return JSON.stringify(docToJSON(doc))
}

export function pod(name: string, labels: Record<string, string> = {}, spec: Record<string, unknown> = { containers: [{ name: 'c', image: 'busybox' }] }): KubeObject {
  return { apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: 'default', labels }, spec: spec as KubeObject['spec'] }
}

/**
 * A full step 1 / step 2 exchange between two nodes' documents, as the sync stream runs it.
 * Returns the update bytes both sides applied.
 */
export function exchange(a: TestNode, b: TestNode): number {
  const sa = new SyncSession(a.doc, new PeerOrigin(b.name, 'sync'))
  const sb = new SyncSession(b.doc, new PeerOrigin(a.name, 'sync'))
  const toB = [sa.open()]
  const toA = [sb.open()]
  while (toA.length > 0 || toB.length > 0) {
    const forB = toB.shift()
    const replyToA = forB === undefined ? undefined : sb.receive(forB)
    if (replyToA !== undefined) toA.push(replyToA)
    const forA = toA.shift()
    const replyToB = forA === undefined ? undefined : sa.receive(forA)
    if (replyToB !== undefined) toB.push(replyToB)
  }
  if (!sa.done || !sb.done) throw new Error('exchange did not complete')
  return sa.receivedUpdateBytes + sb.receivedUpdateBytes
}
