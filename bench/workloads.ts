// Workloads: time from creating a replication controller to N replicas Running on 3 agents (process
// runtime, and Docker when an engine answers), time from kill -9 of a node to its replicas Running
// elsewhere, and, on the same engine in the same run, a single-node Docker Swarm service and plain
// `docker run -d` of as many containers.
// Run: npx tsc -p tsconfig.build.json && node dist/bench/workloads.js   (or import { main }).
import { mkdtemp } from 'node:fs/promises'
import { loadavg, tmpdir } from 'node:os'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import Dockerode from 'dockerode'
import { listNodes } from '../test/harness/api.js'
import type { ProcessAgent } from '../test/harness/processes.js'
import { waitFor } from '../test/harness/wait.js'
import { countBy, podsOf } from '../test/harness/workloads.js'
import { report } from './lib/report.js'
import type { Row } from './lib/report.js'
import { summarize } from './lib/stats.js'
import { dockerRunTrial, SwarmSession } from './swarm.js'
import { withCleanup } from './workloads-cleanup.js'
import type { CleanupStack } from './workloads-cleanup.js'
import { allRunning, BenchCluster, createRc, deleteRcAndWait, sleepRc, TEST_IMAGE, waitPods } from './workloads-cluster.js'
import type { BenchRuntime } from './workloads-cluster.js'

export interface WorkloadsBenchOptions {
  /** Replica counts to time from RC creation to all Running; default [20, 100]. */
  replicas?: number[]
  /** Trials per runtime and replica count (shoal, Swarm and docker run alike); default 3. */
  trials?: number
  /** kill -9 trials; default 3. */
  recoveryTrials?: number
  /** Replicas of the RC whose node is killed; default 20. */
  recoveryReplicas?: number
  /** Which node the kill -9 trials kill, each kind `recoveryTrials` times; default ['follower']. */
  recoveryKill?: Array<'follower' | 'leader'>
  /** Run the Docker parts when an engine answers; default true. */
  docker?: boolean
  /** Run the Docker Swarm comparison (needs docker); default true. */
  swarm?: boolean
  /** Replica counts for Swarm and docker run; default the same as `replicas`. */
  peerReplicas?: number[]
  /** How often the waits poll the API; default 100 ms (the resolution of every time here). */
  pollMs?: number
}

type Options = Required<WorkloadsBenchOptions>

const DOCKER_SOCKET = process.env['DOCKER_HOST']?.startsWith('unix://') === true ? process.env['DOCKER_HOST'].slice(7) : '/var/run/docker.sock'

/** Samples in ms per (system, runtime, workload, replicas), in first-measured order. */
class Samples {
  readonly byKey = new Map<string, { system: string; runtime: string; workload: string; replicas: number; ms: number[] }>()

  add(system: string, runtime: string, workload: string, replicas: number, ms: number): void {
    const key = [system, runtime, workload, replicas].join('|')
    const entry = this.byKey.get(key) ?? { system, runtime, workload, replicas, ms: [] }
    entry.ms.push(ms)
    this.byKey.set(key, entry)
  }

  median(system: string, runtime: string, workload: string, replicas: number): number | undefined {
    const ms = this.byKey.get([system, runtime, workload, replicas].join('|'))?.ms
    return ms === undefined || ms.length === 0 ? undefined : summarize(ms).median
  }
}

const TO_RUNNING = 'create → all Running'
const PARALLEL_RUN = 'docker run -d, all at once'
const SERIAL_RUN = 'docker run -d, one by one'

function runTimeoutMs(n: number): number {
  return 60_000 + n * 1500
}

async function dockerEngine(): Promise<{ docker: Dockerode | undefined; why: string }> {
  const docker = new Dockerode({ socketPath: DOCKER_SOCKET })
  try {
    await docker.ping()
  } catch {
    return { docker: undefined, why: `skipped: no Docker engine answers on ${DOCKER_SOCKET} (bash scripts/setup-docker.sh)` }
  }
  try {
    await docker.getImage(TEST_IMAGE).inspect()
  } catch {
    return { docker: undefined, why: `skipped: image ${TEST_IMAGE} is missing (bash scripts/setup-docker.sh)` }
  }
  return { docker, why: '' }
}

/** One trial: POST the RC, poll until all `n` pods are Running, then delete it and wait for the containers to go. */
async function runTrial(cluster: BenchCluster, runtime: BenchRuntime, n: number, trial: number, o: Options): Promise<number> {
  const name = `wl-${runtime === 'docker' ? 'dock' : 'proc'}-${n}-${trial}`
  const api = cluster.agents[0]!.api
  const t0 = performance.now()
  await createRc(api, sleepRc(name, n, runtime))
  try {
    await waitPods(api, `app=${name}`, allRunning(n), { timeoutMs: runTimeoutMs(n), pollMs: o.pollMs, what: `${n} ${runtime} pods of ${name} Running` })
    return performance.now() - t0
  } finally {
    await deleteRcAndWait(cluster, name)
  }
}

type KillKind = 'follower' | 'leader'

interface Recovery {
  downMs: number | null
  runningMs: number
  moved: number
}

/**
 * One trial: an RC of `n` process replicas spread over the agents; destroy() the leader, or the
 * follower holding the most of them (kill -9 plus its containers, as a machine death), and time
 * until a survivor lists it down and until `n` replicas run on the survivors. Then restart it
 * over its data dir. Killing the leader adds an election and a new leader's controllers.
 */
async function recoveryTrial(cluster: BenchCluster, kill: KillKind, n: number, trial: number, o: Options): Promise<Recovery> {
  const name = `wl-recover-${kill}-${trial}`
  const selector = `app=${name}`
  const first = cluster.agents[0]!
  let victim: ProcessAgent | undefined
  let observer = first
  await createRc(first.api, sleepRc(name, n, 'process'))
  try {
    const pods = await waitPods(first.api, selector, allRunning(n), { timeoutMs: runTimeoutMs(n), pollMs: o.pollMs, what: `${n} pods of ${name} Running` })
    const leader = await cluster.leader(first.api)
    const perNode = countBy(pods, (p) => p.node)
    const followers = cluster.agents.filter((a) => a !== leader).sort((a, b) => (perNode[b.name] ?? 0) - (perNode[a.name] ?? 0))
    victim = kill === 'leader' && leader !== undefined ? leader : followers[0]!
    observer = kill === 'leader' ? followers[0]! : (leader ?? followers[1]!)
    const gone = victim.name
    const t0 = performance.now()
    await victim.destroy()
    let downMs: number | null = null
    await waitFor(
      async () => {
        if (downMs === null && (await listNodes(observer.api)).find((x) => x.name === gone)?.state === 'down') downMs = performance.now() - t0
        const now = await podsOf(observer.api, selector)
        return now.filter((p) => p.phase === 'Running' && p.node !== gone).length === n
      },
      { timeoutMs: 60_000, intervalMs: o.pollMs, message: `${n} replicas of ${name} Running without ${gone}` },
    )
    return { downMs, runningMs: performance.now() - t0, moved: perNode[gone] ?? 0 }
  } finally {
    await deleteRcAndWait(cluster, name)
    if (victim !== undefined && !victim.running) {
      await victim.start({ join: [observer.p2pHostPort] })
      await cluster.settle(cluster.init.runtime === 'auto' ? ['process', 'docker'] : ['process'])
    }
  }
}

async function shoalPart(o: Options, docker: Dockerode | undefined, samples: Samples, cleanups: CleanupStack, errors: string[], moved: number[]): Promise<void> {
  const root = await mkdtemp(join(tmpdir(), 'shoal-bench-workloads-'))
  const cluster = new BenchCluster({ root, runtime: docker !== undefined ? 'auto' : 'process' })
  const undo = cleanups.push('destroy the shoal cluster', () => cluster.destroy(docker))
  try {
    await cluster.start()
    const runtimes: BenchRuntime[] = docker !== undefined ? ['process', 'docker'] : ['process']
    await cluster.settle(runtimes)
    for (const runtime of runtimes) {
      for (const n of o.replicas) {
        for (let t = 1; t <= o.trials; t++) {
          try {
            samples.add('shoal', runtime, TO_RUNNING, n, await runTrial(cluster, runtime, n, t, o))
          } catch (err) {
            errors.push(`shoal ${runtime} ${n} trial ${t}: ${(err as Error).message}`)
            break
          }
        }
      }
    }
    for (const kill of o.recoveryKill) {
      for (let t = 1; t <= o.recoveryTrials; t++) {
        try {
          const r = await recoveryTrial(cluster, kill, o.recoveryReplicas, t, o)
          if (r.downMs !== null) samples.add('shoal', 'process', `kill -9 ${kill} → seen down`, o.recoveryReplicas, r.downMs)
          samples.add('shoal', 'process', `kill -9 ${kill} → all Running elsewhere`, o.recoveryReplicas, r.runningMs)
          moved.push(r.moved)
        } catch (err) {
          errors.push(`shoal recovery (${kill}) trial ${t}: ${(err as Error).message}`)
          break
        }
      }
    }
  } finally {
    await cluster.destroy(docker)
    undo()
  }
}

async function peersPart(o: Options, docker: Dockerode, samples: Samples, cleanups: CleanupStack, errors: string[]): Promise<string> {
  // The floor: containers started straight through the engine, all at once and one by one.
  const runs = o.peerReplicas.map((n) => ({ n, parallel: true }))
  if (runs.length > 0) runs.push({ n: Math.min(...o.peerReplicas), parallel: false })
  for (const { n, parallel } of runs) {
    try {
      for (let t = 1; t <= o.trials; t++) samples.add('docker', 'docker', parallel ? PARALLEL_RUN : SERIAL_RUN, n, await dockerRunTrial(docker, cleanups, TEST_IMAGE, n, parallel))
    } catch (err) {
      errors.push(`docker run ${n}: ${(err as Error).message}`)
    }
  }
  if (!o.swarm) return 'skipped: swarm: false'
  const swarm = new SwarmSession(docker, cleanups)
  const skipped = await swarm.start()
  if (skipped !== undefined) return skipped
  for (const n of o.peerReplicas) {
    for (let t = 1; t <= o.trials; t++) {
      try {
        samples.add('swarm', 'docker', TO_RUNNING, n, await swarm.trial(`${n}-${t}`, TEST_IMAGE, n, { pollMs: o.pollMs, timeoutMs: runTimeoutMs(n) }))
      } catch (err) {
        errors.push(`swarm ${n} trial ${t}: ${(err as Error).message}`)
        break
      }
    }
  }
  return 'single-node swarm on 127.0.0.1, service on the host network, --no-resolve-image, tasks polled through the API'
}

function ratio(a: number | undefined, b: number | undefined): number | null {
  return a === undefined || b === undefined ? null : Math.round((a / b) * 100) / 100
}

function rowsOf(samples: Samples): Row[] {
  return [...samples.byKey.values()].map((e) => {
    const s = summarize(e.ms)
    const toRunning = e.workload === TO_RUNNING
    const swarm = samples.median('swarm', 'docker', TO_RUNNING, e.replicas)
    const floor = samples.median('docker', 'docker', PARALLEL_RUN, e.replicas)
    return {
      system: e.system,
      runtime: e.runtime,
      workload: e.workload,
      replicas: e.replicas,
      trials: s.runs,
      'median s': Math.round(s.median) / 1000,
      'max s': Math.round(s.max) / 1000,
      'shoal/swarm': e.system === 'shoal' && toRunning ? ratio(s.median, swarm) : null,
      'x docker run': toRunning && e.runtime === 'docker' ? ratio(s.median, floor) : null,
    }
  })
}

export async function main(options: WorkloadsBenchOptions = {}): Promise<void> {
  const o: Options = {
    replicas: options.replicas ?? [20, 100],
    trials: options.trials ?? 3,
    recoveryTrials: options.recoveryTrials ?? 3,
    recoveryReplicas: options.recoveryReplicas ?? 20,
    recoveryKill: options.recoveryKill ?? ['follower'],
    docker: options.docker ?? true,
    swarm: options.swarm ?? true,
    peerReplicas: options.peerReplicas ?? options.replicas ?? [20, 100],
    pollMs: options.pollMs ?? 100,
  }
  const started = performance.now()
  // Other work on this machine skews every number here; the load is recorded with them.
  const loadBefore = loadavg()[0]!
  const engine = o.docker ? await dockerEngine() : { docker: undefined, why: 'skipped: docker: false' }
  const samples = new Samples()
  const errors: string[] = []
  const moved: number[] = []
  let swarm = engine.why
  await withCleanup(async (cleanups) => {
    await shoalPart(o, engine.docker, samples, cleanups, errors, moved)
    if (engine.docker !== undefined) swarm = await peersPart(o, engine.docker, samples, cleanups, errors)
  })
  const runSeconds = Math.round((performance.now() - started) / 1000)
  report('workloads', rowsOf(samples), {
    agents: 3,
    shoalTiming: 'agent defaults: heartbeat 1s, suspect 3s, down 5s, reschedule-after 2s',
    shoalRuntime: engine.docker !== undefined ? '--runtime auto (runtimeClassName picks docker or process)' : '--runtime process',
    command: 'sleep 3600',
    image: TEST_IMAGE,
    pollMs: o.pollMs,
    replicasMovedPerKill: moved,
    docker: engine.docker !== undefined ? 'engine answers' : engine.why,
    swarm,
    runSeconds,
    loadavg1m: { start: Math.round(loadBefore * 100) / 100, end: Math.round(loadavg()[0]! * 100) / 100 },
    ...(errors.length > 0 ? { errors } : {}),
  })
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) await main()
