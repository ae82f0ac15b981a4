// Scheduler throughput on a synthetic cluster of 1,000 nodes and 10,000 pending pods.
// Run: npx tsc -p tsconfig.build.json && node dist/bench/scheduler.js   (or import { main }).
import { pathToFileURL } from 'node:url'
import { Prng } from '../lib/prng.js'
import { schedule } from '../node/scheduler/index.js'
import type { Allocation, PendingPod, PlacementStrategy, SchedulerNode, SchedulingSnapshot } from '../node/scheduler/index.js'
import { report, type Row } from './lib/report.js'
import { summarize } from './lib/stats.js'
import { timeRuns } from './lib/timing.js'

export interface SchedulerBenchOptions {
  nodes?: number
  pods?: number
  runs?: number
  seed?: number
}

const GiB = 2 ** 30
const ZONES = ['a', 'b', 'c']

function syntheticNodes(count: number, prng: Prng): SchedulerNode[] {
  return Array.from({ length: count }, (_, i) => ({
    name: `node-${String(i).padStart(4, '0')}`,
    ready: !prng.chance(0.02),
    runtimes: prng.chance(0.8) ? ['docker', 'process'] : ['process'],
    labels: { zone: ZONES[i % ZONES.length]!, ...(prng.chance(0.25) ? { disk: 'ssd' } : {}) },
    allocatable: { cpuMillis: prng.pick([4000, 8000, 16000]), memoryBytes: prng.pick([8, 16, 32, 64]) * GiB },
  }))
}

/** Some pods are already running, so the scheduler starts from a partly used cluster. */
function syntheticAllocations(nodes: readonly SchedulerNode[], perNode: number): Allocation[] {
  return nodes.flatMap((node, i) =>
    Array.from({ length: perNode }, (_, j) => ({
      podUid: `running-${i}-${j}`,
      node: node.name,
      cpuMillis: 250,
      memoryBytes: GiB / 2,
      hostPorts: [30000 + j],
      ownerUid: `rc-running-${j}`,
    })),
  )
}

/**
 * Replication controllers of 20 replicas; about a third of them expose a dynamic port, a few a
 * fixed host port, some select a zone or ssd, and a handful select a label no node has.
 */
function syntheticPods(count: number, prng: Prng): PendingPod[] {
  const pods: PendingPod[] = []
  for (let rc = 0; pods.length < count; rc++) {
    const dynamicPort = prng.chance(0.3)
    const fixedPort = prng.chance(0.03) ? 8000 + rc : undefined
    const selector: Record<string, string> = prng.chance(0.1) ? { zone: prng.pick(ZONES) } : prng.chance(0.05) ? { disk: 'ssd' } : prng.chance(0.01) ? { gpu: 'yes' } : {}
    const images = prng.chance(0.5)
    const requests = { cpuMillis: prng.pick([100, 250, 500, 1000]), memoryBytes: prng.pick([128, 256, 512, 1024, 2048]) * 2 ** 20 }
    for (let r = 0; r < 20 && pods.length < count; r++) {
      pods.push({
        uid: `pod-${rc}-${r}`,
        namespace: 'default',
        name: `rc-${rc}-${r}`,
        ownerUid: `rc-${rc}`,
        createdAt: 1_700_000_000_000 + pods.length,
        images,
        nodeSelector: selector,
        requests,
        ports: [
          ...(dynamicPort ? [{ container: 'main', name: 'http', containerPort: 8080 }] : []),
          ...(fixedPort !== undefined ? [{ container: 'main', containerPort: 9000, hostPort: fixedPort }] : []),
        ],
      })
    }
  }
  return pods
}

export function syntheticSnapshot(nodeCount: number, podCount: number, seed: number): SchedulingSnapshot {
  const prng = new Prng(seed)
  const nodes = syntheticNodes(nodeCount, prng)
  return { nodes, allocations: syntheticAllocations(nodes, 2), pending: syntheticPods(podCount, prng) }
}

function measure(snapshot: SchedulingSnapshot, strategy: PlacementStrategy, runs: number, seed: number): Row {
  const { ms, results } = timeRuns(() => schedule(snapshot, { seed, strategy }), runs)
  const plan = results[0]!
  const t = summarize(ms)
  const placed = plan.placements.length
  return {
    strategy,
    nodes: snapshot.nodes.length,
    pods: snapshot.pending.length,
    placed,
    failed: plan.failures.length,
    runs: t.runs,
    'ms/run median': t.median,
    'ms/run p99': t.p99,
    'placements/s median': Math.round(placed / (t.median / 1000)),
    'placements/s p99': Math.round(placed / (t.p99 / 1000)),
  }
}

/** Measures both strategies, prints the table and writes bench/results/scheduler.json. */
export async function main(options: SchedulerBenchOptions = {}): Promise<void> {
  const nodes = options.nodes ?? 1000
  const pods = options.pods ?? 10_000
  const runs = options.runs ?? 9
  const seed = options.seed ?? 1
  const snapshot = syntheticSnapshot(nodes, pods, seed)
  const rows = (['spread', 'binpack'] as const).map((strategy) => measure(snapshot, strategy, runs, seed))
  report('scheduler', rows, { seed, committedAllocations: snapshot.allocations.length, note: 'placements/s p99 = throughput of the p99 (slow) run' })
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) await main()
