// Membership: how fast agents find each other, what an idle agent costs, how fast a death is seen.
// With Debian's `serf` installed, the same measures for a 3-member Serf cluster in the same run.
import { spawn, spawnSync } from 'node:child_process'
import type { ChildProcess } from 'node:child_process'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { listNodes } from '../test/harness/api.js'
import { ProcessAgent } from '../test/harness/processes.js'
import { sleep, waitFor } from '../test/harness/wait.js'
import { idleUsage } from './lib/proc.js'
import { report } from './lib/report.js'
import type { Row } from './lib/report.js'
import { summarize } from './lib/stats.js'

export interface MembershipBenchOptions {
  trials?: number
}

async function allSee(agents: ProcessAgent[], n: number): Promise<boolean> {
  for (const a of agents) {
    const nodes = await listNodes(a.api)
    if (nodes.filter((x) => x.ready === 'True').length !== n) return false
  }
  return true
}

interface Trial {
  joinMs: number
  rss: number
  cpuPct: number
  downMs: number
}

/** One trial: start 2 agents, then time the third from spawn until all three list each other. */
async function shoalTrial(): Promise<Trial> {
  const root = await mkdtemp(join(tmpdir(), 'shoal-bench-'))
  const agents: ProcessAgent[] = []
  try {
    const p1 = await new ProcessAgent({ name: 'b1', dataDir: join(root, 'b1'), defaultTiming: true }).start()
    agents.push(p1)
    const key = join(root, 'b1', 'cluster.key')
    agents.push(await new ProcessAgent({ name: 'b2', dataDir: join(root, 'b2'), join: [p1.p2pHostPort], clusterKeyFile: key, defaultTiming: true }).start())
    await waitFor(() => allSee(agents, 2), { timeoutMs: 30_000, intervalMs: 20 })
    const t0 = performance.now()
    const p3 = new ProcessAgent({ name: 'b3', dataDir: join(root, 'b3'), join: [p1.p2pHostPort], clusterKeyFile: key, defaultTiming: true })
    agents.push(p3)
    await p3.start({}, false)
    await p3.waitReady()
    await waitFor(() => allSee(agents, 3), { timeoutMs: 30_000, intervalMs: 10 })
    const joinMs = performance.now() - t0
    await sleep(2000)
    const idle = await idleUsage(p3.child!.pid!)
    await p3.kill9()
    const k0 = performance.now()
    await waitFor(async () => (await listNodes(p1.api)).find((x) => x.name === 'b3')?.state === 'down', { timeoutMs: 30_000, intervalMs: 10 })
    return { joinMs, ...idle, downMs: performance.now() - k0 }
  } finally {
    await Promise.allSettled(agents.map((a) => a.kill9()))
    await rm(root, { recursive: true, force: true })
  }
}

function serfInstalled(): boolean {
  return spawnSync('serf', ['version']).status === 0
}

function serfMembers(rpcPort: number): { name: string; status: string }[] {
  const out = spawnSync('serf', ['members', `-rpc-addr=127.0.0.1:${rpcPort}`, '-format=json'], { encoding: 'utf8' })
  if (out.status !== 0) return []
  return (JSON.parse(out.stdout) as { members: { name: string; status: string }[] }).members
}

/** The same trial with three Serf agents on loopback (Serf's default LAN profile). */
async function serfTrial(base: number): Promise<Trial> {
  const procs: ChildProcess[] = []
  const start = (i: number, join?: number): ChildProcess => {
    const args = ['agent', `-node=s${i}`, `-bind=127.0.0.1:${base + i * 2}`, `-rpc-addr=127.0.0.1:${base + i * 2 + 1}`, '-log-level=err']
    if (join !== undefined) args.push(`-join=127.0.0.1:${join}`)
    const p = spawn('serf', args, { stdio: 'ignore' })
    procs.push(p)
    return p
  }
  const alive = (rpc: number, n: number): boolean => serfMembers(rpc).filter((m) => m.status === 'alive').length === n
  try {
    start(0)
    await waitFor(() => alive(base + 1, 1), { intervalMs: 20 })
    start(1, base)
    await waitFor(() => alive(base + 1, 2) && alive(base + 3, 2), { intervalMs: 20 })
    const t0 = performance.now()
    const third = start(2, base)
    await waitFor(() => [1, 3, 5].every((o) => alive(base + o, 3)), { timeoutMs: 30_000, intervalMs: 10 })
    const joinMs = performance.now() - t0
    await sleep(2000)
    const idle = await idleUsage(third.pid!)
    third.kill('SIGKILL')
    const k0 = performance.now()
    await waitFor(() => serfMembers(base + 1).find((m) => m.name === 's2')?.status === 'failed', { timeoutMs: 60_000, intervalMs: 10 })
    return { joinMs, ...idle, downMs: performance.now() - k0 }
  } finally {
    for (const p of procs) p.kill('SIGKILL')
    await sleep(200)
  }
}

function rowsFor(system: string, trials: Trial[]): Row[] {
  const join = summarize(trials.map((t) => t.joinMs))
  const down = summarize(trials.map((t) => t.downMs))
  const rss = summarize(trials.map((t) => t.rss))
  const cpu = summarize(trials.map((t) => t.cpuPct))
  return [
    { system, measure: 'third member joined, all see 3 (ms)', trials: join.runs, median: Math.round(join.median), p99: Math.round(join.p99) },
    { system, measure: 'kill -9 until seen down, default timings (ms)', trials: down.runs, median: Math.round(down.median), p99: Math.round(down.p99) },
    { system, measure: 'RSS of an idle member (MiB)', trials: rss.runs, median: rss.median, p99: rss.p99 },
    { system, measure: 'CPU of an idle member in a cluster of 3 (% of a core, 5 s)', trials: cpu.runs, median: cpu.median, p99: cpu.p99 },
  ]
}

export async function main(options: MembershipBenchOptions = {}): Promise<void> {
  const trials = options.trials ?? 5
  const ours = []
  for (let i = 0; i < trials; i++) ours.push(await shoalTrial())
  const rows = rowsFor('shoal', ours)
  let serf = 'skipped: serf is not installed'
  if (serfInstalled()) {
    const theirs = []
    for (let i = 0; i < trials; i++) theirs.push(await serfTrial(27900 + i * 10))
    rows.push(...rowsFor('serf', theirs))
    serf = 'serf agent defaults (LAN profile)'
  }
  report('membership', rows, { trials, shoalTiming: 'heartbeat 1s, suspect 3s, down 5s (defaults)', serf })
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) await main()
