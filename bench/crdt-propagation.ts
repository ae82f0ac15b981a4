// How fast a write reaches every node, and how fast the API lists pods by label.
// 1. Propagation: N in-process agents (3, 10, 25; each N in its own child process) over real
//    libp2p; each write goes to a random agent and the clock stops when the object is in the
//    store of every agent.
// 2. List: 10,000 pods, listed through the HTTP API with label selectors of varied selectivity.
// Run: npx tsc -p tsconfig.build.json && node dist/bench/crdt-propagation.js
import { performance } from 'node:perf_hooks'
import { spawn } from 'node:child_process'
import { fileURLToPath, pathToFileURL } from 'node:url'
import * as Y from 'yjs'
import type { KubeObject } from '../crdt/index.js'
import { ObjectStore } from '../crdt/index.js'
import { Prng } from '../lib/prng.js'
import { ApiServer } from '../node/api/server.js'
import { resourceRoutes } from '../node/api/routes/resources/resource-routes.js'
import { silentLogger } from '../node/logger.js'
import { storeErrorTranslator } from '../node/store/store-errors.js'
import { defaultConfig } from '../node/config/agent-config.js'
import type { TestAgent } from '../test/harness/in-process.js'
import { TestCluster } from '../test/harness/in-process.js'
import { waitFor } from '../test/harness/wait.js'
import { report, type Row } from './lib/report.js'
import { summarize } from './lib/stats.js'

export interface PropagationBenchOptions {
  sizes?: number[]
  writes?: number
  pods?: number
  listRuns?: number
  seed?: number
}

const BENCH_LABEL = { bench: 'propagation' }
const WRITE_TIMEOUT_MS = 10_000

/** Events, because no controller reacts to them: the only traffic is the write being measured. */
function benchEvent(name: string): KubeObject {
  return { apiVersion: 'v1', kind: 'Event', metadata: { name, labels: BENCH_LABEL }, involvedObject: { kind: 'Pod', name: 'bench' }, reason: 'Bench', message: name, type: 'Normal' }
}

/** Resolves with the time each named object first appears in each store. */
class Arrivals {
  private readonly waiting = new Map<string, { left: number; last: number; done: (lastMs: number) => void }>()
  private readonly unsubscribe: (() => void)[]

  constructor(stores: ObjectStore[]) {
    this.unsubscribe = stores.map((store) =>
      store.subscribe('events', { labelSelector: 'bench=propagation' }, (e) => {
        if (e.type !== 'ADDED') return
        const w = this.waiting.get(e.object.metadata.name)
        if (w === undefined) return
        w.last = performance.now()
        if (--w.left === 0) {
          this.waiting.delete(e.object.metadata.name)
          w.done(w.last)
        }
      }),
    )
  }

  /** Register before writing, so an arrival cannot slip past. */
  expect(name: string, count: number): Promise<number> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${name} not visible on every agent within ${WRITE_TIMEOUT_MS} ms`)), WRITE_TIMEOUT_MS)
      this.waiting.set(name, { left: count, last: 0, done: (t) => (clearTimeout(timer), resolve(t)) })
    })
  }

  close(): void {
    for (const u of this.unsubscribe) u()
  }
}

/**
 * Every agent here shares 127.0.0.1, and gossipsub's default peer scoring penalises more than
 * ten peers on one IP (IP colocation) until it grafts none of them: past about ten agents the
 * CRDT and membership topics get no mesh. Real clusters behind one NAT would hit the same; the
 * host should set this itself (reported). Until then the benchmark turns the penalty off.
 */
function allowColocatedPeers(agent: TestAgent): void {
  const pubsub = agent.agent.host.services.pubsub as unknown as { score: { params: { IPColocationFactorWeight: number } } }
  pubsub.score.params.IPColocationFactorWeight = 0
}

/** `n` agents with the agent's default failure-detection timing (the tests' fast one floods 25 agents in one process). */
async function startCluster(n: number): Promise<TestCluster> {
  const cluster = await TestCluster.create()
  try {
    for (let i = 0; i < n; i++) allowColocatedPeers(await cluster.add({ config: { timing: defaultConfig().timing } }))
  } catch (err) {
    await cluster.close()
    throw err
  }
  return cluster
}

async function propagation(n: number, writes: number, prng: Prng): Promise<Row> {
  const startedAt = performance.now()
  const cluster = await startCluster(n)
  try {
    const stores = cluster.agents.map((a) => a.agent.store)
    const startup = performance.now() - startedAt
    // Wait for the gossip mesh: a probe must reach everyone before measuring.
    await waitFor(async () => {
      const name = `probe-${n}-${Math.floor(performance.now())}`
      await stores[0]!.create('events', benchEvent(name))
      return waitFor(() => stores.every((s) => s.get('events', 'default', name) !== undefined), { timeoutMs: 2000 })
    }, { timeoutMs: 120_000, message: 'gossip mesh formed' })
    const arrivals = new Arrivals(stores)
    const ack: number[] = []
    const all: number[] = []
    for (let i = 0; i < writes; i++) {
      const name = `w-${n}-${i}`
      const seen = arrivals.expect(name, n)
      const t0 = performance.now()
      await stores[prng.int(0, n)]!.create('events', benchEvent(name))
      ack.push(performance.now() - t0)
      all.push((await seen) - t0)
    }
    arrivals.close()
    const a = summarize(ack)
    const v = summarize(all)
    return {
      measure: 'write visible on all agents',
      agents: n,
      samples: writes,
      'p50 ms': v.median,
      'p99 ms': v.p99,
      'max ms': v.max,
      detail: `local ack p50 ${a.median.toFixed(1)} ms; cluster start ${(startup / 1000).toFixed(1)} s; heap ${Math.round(process.memoryUsage().heapUsed / 2 ** 20)} MiB`,
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
/**
 * One cluster size in a child process: a run that brings down its process (25 agents share one
 * libp2p WASM cipher heap) then costs only its own row. The row is the child's last stdout line.
 */
function propagationInChild(n: number, writes: number, seed: number): Promise<Row> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [fileURLToPath(import.meta.url), '--one', String(n), String(writes), String(seed)], { stdio: ['ignore', 'pipe', 'pipe'] })
    let out = ''
    let err = ''
    child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d))
    child.stderr.setEncoding('utf8').on('data', (d: string) => (err += d))
    child.on('close', (code) => {
      const last = out.trim().split('\n').pop() ?? ''
      if (code === 0 && last.startsWith('{')) return resolve(JSON.parse(last) as Row)
      const reason = err.split('\n').find((l) => /Error/.test(l) && !l.startsWith('ignored')) ?? `exit code ${code}`
      resolve({ measure: 'write visible on all agents', agents: n, samples: 0, detail: `failed: ${reason.trim().slice(0, 160)}` })
    })
  })
}

/** The child's side of propagationInChild. */
async function runOne(n: number, writes: number, seed: number): Promise<void> {
  const row = await propagation(n, writes, new Prng(seed * 1000 + n))
  process.stdout.write(`${JSON.stringify(row)}\n`)
  process.exit(0)
}

/** Measures propagation for each cluster size, then list latency; writes bench/results/crdt-propagation.json. */
export async function main(options: PropagationBenchOptions = {}): Promise<void> {
  const sizes = options.sizes ?? [3, 10, 25]
  const writes = options.writes ?? 100
  const seed = options.seed ?? 1
  const rows: Row[] = []
  for (const n of sizes) {
    process.stderr.write(`propagation: ${n} agents…\n`)
    rows.push(await propagationInChild(n, writes, seed))
  }
  rows.push(...(await listLatency(options.pods ?? 10_000, options.listRuns ?? 20)))
  report('crdt-propagation', rows, {
    seed,
    propagation: 'in-process agents with default failure-detection timing; from the write call on a random agent until the object is in every agent store',
    list: 'GET /api/v1/namespaces/default/pods?labelSelector=… on one API server, response read whole',
  })
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const [flag, n, writes, seed] = process.argv.slice(2)
  if (flag === '--one') await runOne(Number(n), Number(writes), Number(seed))
  else await main()
}
