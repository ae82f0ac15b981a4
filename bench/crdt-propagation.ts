// How fast a write reaches every node, and how fast the API lists pods by label.
// 1. Propagation: N agent processes (3, 10, 25) on 127.0.0.1 with the default timing, as a user
//    runs them; every agent streams a watch to this process. Each write goes to a random agent,
//    and the clock stops when the object's ADDED event has arrived from every agent.
// 2. List: 10,000 pods, listed through the HTTP API with label selectors of varied selectivity.
// Run: npx tsc -p tsconfig.build.json && node dist/bench/crdt-propagation.js
import { performance } from 'node:perf_hooks'
import { pathToFileURL } from 'node:url'
import * as Y from 'yjs'
import type { KubeObject } from '../crdt/index.js'
import { ObjectStore } from '../crdt/index.js'
import { Prng } from '../lib/prng.js'
import { ApiServer } from '../node/api/server.js'
import { resourceRoutes } from '../node/api/routes/resources/resource-routes.js'
import { silentLogger } from '../node/logger.js'
import { storeErrorTranslator } from '../node/store/store-errors.js'
import { WatchReader } from '../test/harness/watch-reader.js'
import type { TestApi } from '../test/harness/api.js'
import { ProcessCluster } from '../test/harness/process-cluster.js'
import { waitFor } from '../test/harness/wait.js'
import { rssMiB } from './lib/proc.js'
import { report, type Row } from './lib/report.js'
import { summarize } from './lib/stats.js'

export interface PropagationBenchOptions {
  sizes?: number[]
  writes?: number
  pods?: number
  listRuns?: number
  seed?: number
}

const EVENTS = '/api/v1/namespaces/default/events'
const WATCH = `${EVENTS}?watch=true&labelSelector=bench%3Dpropagation`
const WRITE_TIMEOUT_MS = 10_000

/** Events, because no controller reacts to them: the only traffic is the write being measured. */
function benchEvent(name: string): KubeObject {
  return { apiVersion: 'v1', kind: 'Event', metadata: { name, labels: { bench: 'propagation' } }, involvedObject: { kind: 'Pod', name: 'bench' }, reason: 'Bench', message: name, type: 'Normal' }
}

/** Resolves with the time each named object's ADDED event has come from every agent's watch. */
class Arrivals {
  private readonly waiting = new Map<string, { left: number; done: (lastMs: number) => void }>()
  private readonly readers: WatchReader[] = []

  static async open(apis: TestApi[]): Promise<Arrivals> {
    const a = new Arrivals()
    for (const api of apis) {
      const r = await WatchReader.open(api, WATCH)
      if (r.status !== 200) throw new Error(`watch on ${api.url} answered ${r.status}`)
      a.readers.push(r)
      void a.drain(r)
    }
    return a
  }

  private async drain(r: WatchReader): Promise<void> {
    for (;;) {
      const e = await r.next(3_600_000).catch(() => undefined)
      if (e === undefined) return
      if (e.type !== 'ADDED') continue
      const w = this.waiting.get(e.object.metadata.name)
      if (w !== undefined && --w.left === 0) {
        this.waiting.delete(e.object.metadata.name)
        w.done(performance.now())
      }
    }
  }

  /** Register before writing, so an arrival cannot slip past. */
  expect(name: string): Promise<number> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${name} not visible on every agent within ${WRITE_TIMEOUT_MS} ms`)), WRITE_TIMEOUT_MS)
      this.waiting.set(name, { left: this.readers.length, done: (t) => (clearTimeout(timer), resolve(t)) })
    })
  }

  close(): void {
    for (const r of this.readers) r.close()
  }
}

async function create(api: TestApi, name: string): Promise<void> {
  const res = await api.request('POST', EVENTS, benchEvent(name))
  if (res.status !== 201) throw new Error(`creating ${name} answered ${res.status}`)
}

async function propagation(n: number, writes: number, prng: Prng): Promise<Row> {
  const startedAt = performance.now()
  const cluster = await ProcessCluster.create('prop')
  try {
    for (let i = 0; i < n; i++) await cluster.add({ defaultTiming: true })
    await cluster.formed()
    const startup = performance.now() - startedAt
    const apis = cluster.agents.map((a) => a.api)
    const arrivals = await Arrivals.open(apis)
    try {
      // Wait for the gossip mesh: a probe must reach everyone before measuring.
      await waitFor(async () => {
        const name = `probe-${n}-${Math.floor(performance.now())}`
        const seen = arrivals.expect(name)
        await create(apis[0]!, name)
        return seen.then(() => true, () => false)
      }, { timeoutMs: 120_000, message: 'gossip mesh formed' })
      const ack: number[] = []
      const all: number[] = []
      for (let i = 0; i < writes; i++) {
        const name = `w-${n}-${i}`
        const seen = arrivals.expect(name)
        const t0 = performance.now()
        await create(apis[prng.int(0, n)]!, name)
        ack.push(performance.now() - t0)
        all.push((await seen) - t0)
      }
      const rss = await Promise.all(cluster.agents.map((a) => rssMiB(a.info.pid)))
      const a = summarize(ack)
      const v = summarize(all)
      return {
        measure: 'write visible on all agents',
        agents: n,
        samples: writes,
        'p50 ms': v.median,
        'p99 ms': v.p99,
        'max ms': v.max,
        detail: `POST p50 ${a.median.toFixed(1)} ms; cluster formed in ${(startup / 1000).toFixed(1)} s; agent RSS median ${summarize(rss).median.toFixed(0)} MiB`,
      }
    } finally {
      arrivals.close()
    }
  } finally {
    await cluster.close()
  }
}

function benchPod(i: number): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: `pod-${i}`, labels: { app: `app-${i % 100}`, tier: i % 10 === 0 ? 'frontend' : 'backend', track: 'stable' } },
    spec: { containers: [{ name: 'web', image: 'registry.local/web:1.2.3', ports: [{ name: 'http', containerPort: 8080 }], resources: { requests: { cpu: '100m', memory: '64Mi' } } }] },
  }
}

/**
 * The agent's resource routes over a store of `pods` pods, behind the real ApiServer (auth,
 * fastify, JSON). A bare server rather than an agent, so that no controller adds load while the
 * list is timed.
 */
async function listLatency(pods: number, runs: number): Promise<Row[]> {
  const store = new ObjectStore({ doc: new Y.Doc(), logger: silentLogger() })
  store.start()
  for (let i = 0; i < pods; i++) await store.create('pods', benchPod(i))
  const server = new ApiServer({ logger: silentLogger(), token: 'bench', routes: [resourceRoutes({ store })], translators: [storeErrorTranslator] }, { host: '127.0.0.1', port: 0 })
  await server.start()
  const rows: Row[] = []
  try {
    for (const selector of ['app=app-7', 'tier=frontend', 'tier in (frontend,backend),track=stable', 'app notin (app-1),!canary']) {
      const url = `${server.address}/api/v1/namespaces/default/pods?labelSelector=${encodeURIComponent(selector)}`
      const ms: number[] = []
      let matched = 0
      let bytes = 0
      for (let i = 0; i < runs + 1; i++) {
        const t0 = performance.now()
        const res = await fetch(url, { headers: { authorization: 'Bearer bench' } })
        const text = await res.text()
        if (i > 0) ms.push(performance.now() - t0)
        bytes = text.length
        matched = (JSON.parse(text) as { items: unknown[] }).items.length
      }
      const t = summarize(ms)
      rows.push({ measure: `list ${pods} pods via HTTP`, agents: 1, samples: runs, 'p50 ms': t.median, 'p99 ms': t.p99, 'max ms': t.max, detail: `-l '${selector}': ${matched} pods, ${Math.round(bytes / 1024)} KiB` })
    }
  } finally {
    await server.stop()
    store.stop()
  }
  return rows
}

/** Measures propagation for each cluster size, then list latency; writes bench/results/crdt-propagation.json. */
export async function main(options: PropagationBenchOptions = {}): Promise<void> {
  const sizes = options.sizes ?? [3, 10, 25]
  const writes = options.writes ?? 100
  const seed = options.seed ?? 1
  const rows: Row[] = []
  for (const n of sizes) {
    process.stderr.write(`propagation: ${n} agents…\n`)
    // One failed size must not take the other rows with it.
    rows.push(await propagation(n, writes, new Prng(seed * 1000 + n)).catch((err: Error): Row => ({ measure: 'write visible on all agents', agents: n, samples: 0, detail: `failed: ${err.message.slice(0, 160)}` })))
  }
  rows.push(...(await listLatency(options.pods ?? 10_000, options.listRuns ?? 20)))
  report('crdt-propagation', rows, {
    seed,
    propagation: 'one agent process per node on 127.0.0.1, default timing; from the POST to a random agent until every agent has streamed the ADDED event of its watch to the benchmark',
    list: 'GET /api/v1/namespaces/default/pods?labelSelector=… on one API server, response read whole',
  })
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) await main()
