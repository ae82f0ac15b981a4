import { join } from 'node:path'
import type { Message } from '@libp2p/gossipsub'
import * as Y from 'yjs'
import { CRDT_TOPIC, DocPersistence, ObjectStore, SyncService, UpdateGossip } from '../../crdt/index.js'
import type { Startable } from '../../lib/startable.js'
import type { Logger } from '../logger.js'
import type { Host } from '../p2p/host.js'

export interface StoreStack {
  doc: Y.Doc
  store: ObjectStore
  persistence: DocPersistence
  sync: SyncService
  gossip: UpdateGossip
  /** In start order: load from disk, index, then gossip and sync with peers. */
  parts: Startable[]
  /** Fault injection for tests: set `dropOutgoingGossip` to lose every update this node gossips. */
  faults: StoreFaults
}

export interface StoreFaults {
  dropOutgoingGossip: boolean
}

export interface StoreStackInit {
  antiEntropyIntervalMs?: number
  gossipFlushMs?: number
}

/**
 * The replicated object store as one node runs it: a Yjs document persisted to
 * `<dataDir>/crdt.log`, gossiped on CRDT_TOPIC, synced with every new peer and repaired by
 * periodic anti-entropy. Writes are acknowledged once fsynced here.
 */
export function createStoreStack(components: { host: Host; logger: Logger; dataDir: string }, init: StoreStackInit = {}): StoreStack {
  const { host, logger } = components
  const faults: StoreFaults = { dropOutgoingGossip: false }
  const doc = new Y.Doc()
  // DocPersistence, UpdateGossip and SyncService bind their own `component`; binding it here too
  // would print the key twice on every line.
  const persistence = new DocPersistence({ doc, logger }, { path: join(components.dataDir, 'crdt.log') })
  const store = new ObjectStore({ doc, logger: logger.child({ component: 'store' }), durability: persistence })
  const gossip = new UpdateGossip(
    {
      doc,
      logger,
      publish: async (bytes) => {
        // A dropped message is what a lossy network does to gossip; anti-entropy must repair it.
        if (faults.dropOutgoingGossip) return
        await host.services.pubsub.publish(CRDT_TOPIC, bytes)
      },
    },
    { ...(init.gossipFlushMs !== undefined ? { flushDelayMs: init.gossipFlushMs } : {}) },
  )
  const sync = new SyncService(
    { libp2p: host, doc, logger },
    { ...(init.antiEntropyIntervalMs !== undefined ? { antiEntropyIntervalMs: init.antiEntropyIntervalMs } : {}) },
  )
  const onMessage = (evt: CustomEvent<Message>): void => {
    const msg = evt.detail
    if (msg.topic !== CRDT_TOPIC) return
    gossip.receive(msg.data, msg.type === 'signed' ? msg.from.toString() : 'unsigned')
  }
  const subscription: Startable = {
    start: () => {
      host.services.pubsub.addEventListener('message', onMessage)
      host.services.pubsub.subscribe(CRDT_TOPIC)
    },
    stop: () => {
      host.services.pubsub.removeEventListener('message', onMessage)
      host.services.pubsub.unsubscribe(CRDT_TOPIC)
    },
  }
  const defaults: Startable = {
    start: async () => {
      await store.createIfAbsent('namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'default' } })
    },
    stop: () => undefined,
  }
  return { doc, store, persistence, sync, gossip, faults, parts: [persistence, store, gossip, subscription, sync, defaults] }
}
