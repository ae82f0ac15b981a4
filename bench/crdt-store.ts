// The replicated object store on this machine: cost of 10,000 pods (time, document bytes, heap),
// list latency with a label selector, a new node's sync of the whole document over libp2p,
// tombstone growth after 100,000 create/delete cycles, and durable (fsync) write latency.
// Run: npx tsc -p tsconfig.build.json && node --expose-gc dist/bench/crdt-store.js
import { noise } from '@chainsafe/libp2p-noise'
import { yamux } from '@chainsafe/libp2p-yamux'
import { identify } from '@libp2p/identify'
import type { Libp2p } from '@libp2p/interface'
import { tcp } from '@libp2p/tcp'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { performance } from 'node:perf_hooks'
import { pathToFileURL } from 'node:url'
import { createLibp2p } from 'libp2p'
import { pino } from 'pino'
import * as Y from 'yjs'
import type { KubeObject } from '../crdt/model/kube-object.js'
import { ObjectStore } from '../crdt/object-store.js'
import { DocPersistence } from '../crdt/persistence/doc-persistence.js'
import { SyncService } from '../crdt/sync/sync-protocol.js'
import { SyncSession } from '../crdt/sync/sync-session.js'
import { report, type Row } from './lib/report.js'
import { summarize } from './lib/stats.js'

const logger = pino({ level: 'silent' })

function pod(i: number): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name: `web-${i}`,
      namespace: `ns-${i % 10}`,
      labels: { app: `app-${i % 100}`, tier: i % 3 === 0 ? 'frontend' : 'backend', track: 'stable' },
      annotations: { 'shoal.dev/created-by': 'bench' },
    },
    spec: {
      nodeName: `node-${i % 25}`,
      containers: [
        {
          name: 'web',
          image: 'registry.local/web:1.2.3',
          args: ['--port', '8080'],
          ports: [{ name: 'http', containerPort: 8080 }],
          resources: { requests: { cpu: '100m', memory: '64Mi' }, limits: { cpu: '500m', memory: '128Mi' } },
          readinessProbe: { httpGet: { path: '/healthz', port: 8080 }, periodSeconds: 5 },
        },
      ],
      restartPolicy: 'Always',
    },
  }
}

function heapMiB(): number {
  globalThis.gc?.()
  return process.memoryUsage().heapUsed / 2 ** 20
}

function newStore(doc = new Y.Doc()): ObjectStore {
  const store = new ObjectStore({ doc, logger })
  store.start()
  return store
}

async function fill(store: ObjectStore, n: number): Promise<number> {
  const start = performance.now()
  for (let i = 0; i < n; i++) await store.create('pods', pod(i))
  return performance.now() - start
}

function listLatency(store: ObjectStore, selector: string, runs: number): { p50: number; p99: number; items: number } {
  let items = 0
  const ms: number[] = []
  for (let i = 0; i < runs + 3; i++) {
    const t = performance.now()
    items = store.list('pods', { labelSelector: selector }).items.length
    if (i >= 3) ms.push(performance.now() - t)
  }
  const s = summarize(ms)
  return { p50: s.median, p99: s.p99, items }
}

async function host(): Promise<Libp2p> {
  return createLibp2p({
    addresses: { listen: ['/ip4/127.0.0.1/tcp/0'] },
    transports: [tcp()],
    connectionEncrypters: [noise()],
    streamMuxers: [yamux()],
    services: { identify: identify() },
  })
}

async function syncNewNode(doc: Y.Doc): Promise<{ ms: number; bytes: number }> {
  const [a, b] = [await host(), await host()]
  const fresh = new Y.Doc()
  const services = [
    new SyncService({ libp2p: a, doc, logger }, { antiEntropyIntervalMs: 0 }),
    new SyncService({ libp2p: b, doc: fresh, logger }, { antiEntropyIntervalMs: 0, connectDelayMs: 60_000 }),
  ]
  for (const s of services) await s.start()
  await b.dial(a.getMultiaddrs()[0]!)
  const start = performance.now()
  const result = await services[1]!.syncWith(a.peerId)
  const ms = performance.now() - start
  for (const s of services) await s.stop()
  await a.stop()
  await b.stop()
  return { ms, bytes: result.receivedBytes }
}

/** One in-memory step 1 / step 2 exchange; returns bytes applied and time. */
function exchange(a: Y.Doc, b: Y.Doc): { ms: number; bytes: number } {
  const start = performance.now()
  const sa = new SyncSession(a, 'b')
  const sb = new SyncSession(b, 'a')
  const forB = sa.receive(sb.open())!
  const forA = sb.receive(sa.open())!
  sb.receive(forB)
  sa.receive(forA)
  return { ms: performance.now() - start, bytes: forA.byteLength + forB.byteLength }
}

async function durableWrites(dir: string): Promise<Row[]> {
  const doc = new Y.Doc()
  const persistence = new DocPersistence({ doc, logger }, { path: join(dir, 'crdt.log') })
  await persistence.start()
  const store = new ObjectStore({ doc, logger, durability: persistence })
  store.start()
  const ms: number[] = []
  for (let i = 0; i < 300; i++) {
    const t = performance.now()
    await store.create('pods', pod(i))
    ms.push(performance.now() - t)
  }
  const s = summarize(ms)
  const start = performance.now()
  await Promise.all(Array.from({ length: 1000 }, (_, i) => store.create('pods', pod(1000 + i))))
  const concurrent = performance.now() - start
  store.stop()
  await persistence.stop()
  return [
    { case: 'durable create (fsync), sequential, p50', value: s.median, unit: 'ms' },
    { case: 'durable create (fsync), sequential, p99', value: s.p99, unit: 'ms' },
    { case: '1,000 concurrent durable creates (group commit)', value: Math.round(1000 / (concurrent / 1000)), unit: 'creates/s' },
  ]
}

/** Measures, prints the table and writes bench/results/crdt-store.json. */
export async function main(): Promise<void> {
  const rows: Row[] = []
  const heap0 = heapMiB()
  const doc = new Y.Doc()
  const store = newStore(doc)
  const fillMs = await fill(store, 10_000)
  const heap1 = heapMiB()
  const size = Y.encodeStateAsUpdate(doc).byteLength
  rows.push({ case: 'create 10,000 pods (in memory)', value: Math.round(10_000 / (fillMs / 1000)), unit: 'creates/s' })
  rows.push({ case: 'document size, 10,000 pods', value: size / 2 ** 20, unit: 'MiB' })
  rows.push({ case: 'heap for 10,000 pods (doc + index)', value: heap1 - heap0, unit: 'MiB' })
  for (const selector of ['app=app-7', 'tier in (frontend),track!=canary', '']) {
    const l = listLatency(store, selector, 50)
    rows.push({ case: `list 10,000 pods, selector "${selector}" (${l.items} match), p50`, value: l.p50, unit: 'ms' })
    rows.push({ case: `list 10,000 pods, selector "${selector}", p99`, value: l.p99, unit: 'ms' })
  }
  const sync = await syncNewNode(doc)
  rows.push({ case: 'new node syncs 10,000 pods over libp2p', value: sync.ms, unit: 'ms' })
  rows.push({ case: 'step 2 size for that sync', value: sync.bytes / 2 ** 20, unit: 'MiB' })

  const cycles = 100_000
  const start = performance.now()
  for (let i = 0; i < cycles; i++) {
    await store.create('pods', pod(20_000 + i))
    await store.delete('pods', `ns-${i % 10}`, `web-${20_000 + i}`)
  }
  const cycleMs = performance.now() - start
  const heap2 = heapMiB()
  const after = Y.encodeStateAsUpdate(doc).byteLength
  rows.push({ case: `${cycles.toLocaleString('en-US')} create/delete cycles`, value: Math.round(cycles / (cycleMs / 1000)), unit: 'cycles/s' })
  rows.push({ case: 'document size after the cycles (tombstones)', value: after / 2 ** 20, unit: 'MiB' })
  rows.push({ case: 'tombstone bytes per deleted pod', value: (after - size) / cycles, unit: 'B' })
  rows.push({ case: 'heap after the cycles', value: heap2 - heap0, unit: 'MiB' })
  const replica = new Y.Doc()
  exchange(doc, replica)
  const round = exchange(doc, replica)
  rows.push({ case: 'anti-entropy round between in-sync replicas (after the cycles)', value: round.ms, unit: 'ms' })
  rows.push({ case: 'bytes of that round (step 2s carry the delete set)', value: round.bytes / 1024, unit: 'KiB' })
  store.stop()

  const dir = await mkdtemp(join(tmpdir(), 'shoal-crdt-bench-'))
  try {
    rows.push(...(await durableWrites(dir)))
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
  report('crdt-store', rows, { gcExposed: globalThis.gc !== undefined })
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) await main()
