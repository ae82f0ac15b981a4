import { Prng } from '../../lib/prng.js'
import { HTTP_POD_COMMAND } from '../harness/http-pod.js'
import { waitFor } from '../harness/wait.js'
import { processRc } from '../harness/workloads.js'
import type { CheckResult } from './chaos-checks.js'
import { agreedRaftLog, allRunning, exactReplicas, identicalObjects, noLostWrites } from './chaos-checks.js'
import { ChaosClient } from './chaos-client.js'
import { ChaosCluster } from './chaos-cluster.js'
import type { Fault } from './fault-schedule.js'
import { describeFault, faultSchedule } from './fault-schedule.js'

export interface ChaosOptions {
  seed: number
  steps: number
  agents: number
  /** How long the checks may take to converge after the faults heal. */
  settleMs?: number
  log?: (line: string) => void
}

export interface ChaosReport {
  seed: number
  steps: number
  agents: number
  faults: string[]
  acked: number
  failedWrites: number
  scales: number
  failedScales: number
  checks: CheckResult[]
  ok: boolean
  durationMs: number
}

const CONTROLLERS = ['chaos-web', 'chaos-work']

async function apply(cluster: ChaosCluster, f: Fault): Promise<string> {
  const agents = cluster.agents
  switch (f.kind) {
    case 'kill':
      if (agents[f.target]!.running) await cluster.kill(agents[f.target]!)
      return describeFault(f)
    case 'kill-leader': {
      const leader = await cluster.leader()
      if (leader === undefined) return 'kill-leader (no leader to kill)'
      await cluster.kill(leader)
      return `kill-leader ${leader.name}`
    }
    case 'restart': {
      const target = f.target >= 0 && !agents[f.target]!.running ? agents[f.target]! : cluster.dead()[0]
      if (target === undefined) return 'restart (nothing down)'
      await cluster.restart(target)
      return `restart ${target.name}`
    }
    case 'graceful-restart': {
      const target = agents[f.target]!
      if (!target.running) return `${describeFault(f)} (already down)`
      await cluster.gracefulRestart(target)
      return describeFault(f)
    }
    case 'partition': {
      const minority = f.minority.map((i) => agents[i]!)
      await cluster.partition([minority, agents.filter((a) => !minority.includes(a))])
      return describeFault(f)
    }
    case 'isolate-leader': {
      const leader = await cluster.leader()
      if (leader === undefined) return 'isolate-leader (no leader)'
      await cluster.partition([[leader], agents.filter((a) => a !== leader)])
      return `isolate-leader ${leader.name}`
    }
    case 'heal':
      await cluster.heal()
      return 'heal'
  }
}

/**
 * One chaos run: a 5-agent cluster runs two replication controllers (one behind a service) while a
 * client writes and rescales at random nodes and a seeded schedule kills, restarts and partitions
 * agents. After everything heals, the checks must all pass within the settle time.
 */
export async function runChaos(options: ChaosOptions): Promise<ChaosReport> {
  const log = options.log ?? ((): void => undefined)
  const started = Date.now()
  const prng = new Prng(options.seed)
  const schedule = faultSchedule(prng, options.agents, options.steps)
  log(`chaos seed ${options.seed}: ${options.agents} agents, ${options.steps} faults`)
  const cluster = await ChaosCluster.start(options.agents)
  const faults: string[] = []
  let checks: CheckResult[] = []
  let failure: unknown
  const client = new ChaosClient(cluster, new Prng(options.seed ^ 0x5f3759df), CONTROLLERS)
  try {
    const api = cluster.agents[0]!.api
    const web = processRc('chaos-web', 3, '')
    const webSpec = (web['spec'] as { template: { spec: { containers: Record<string, unknown>[] } } }).template.spec
    webSpec.containers[0] = { name: 'main', command: HTTP_POD_COMMAND, ports: [{ name: 'http', containerPort: 8080 }] }
    for (const rc of [web, processRc('chaos-work', 4, 'sleep 3600')]) {
      const r = await api.request('POST', '/api/v1/namespaces/default/replicationcontrollers', rc)
      if (r.status !== 201) throw new Error(`creating ${String((rc['metadata'] as { name: string }).name)} failed: ${r.status}`)
    }
    await api.request('POST', '/api/v1/namespaces/default/services', {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'chaos-web' },
      spec: { selector: { app: 'chaos-web' }, ports: [{ port: 18200, targetPort: 'http' }] },
    })
    client.start()
    for (const step of schedule) {
      const what = await apply(cluster, step.fault)
      faults.push(what)
      log(`  fault: ${what}`)
      await new Promise((r) => setTimeout(r, step.pauseMs))
    }
    await client.stop()
    log('  healing: restarting every agent, reconnecting every link')
    await cluster.heal()
    for (const a of cluster.dead()) await cluster.restart(a)
    await cluster.heal()
    const run = async (): Promise<CheckResult[]> => {
      const live = cluster.live()
      return [allRunning(cluster.agents), await identicalObjects(live), await noLostWrites(live, client.stats.acked), await exactReplicas(live, CONTROLLERS), await agreedRaftLog(live)]
    }
    try {
      checks = await waitFor(
        async () => {
          checks = await run()
          return checks.every((c) => c.ok) ? checks : undefined
        },
        { timeoutMs: options.settleMs ?? 90_000, intervalMs: 1000, message: 'checks pass after healing' },
      )
    } catch {
      // keep the last results: they say what did not converge
    }
  } catch (err) {
    failure = err
  } finally {
    await client.stop()
  }
  const ok = checks.length > 0 && checks.every((c) => c.ok)
  // SHOAL_CHAOS_KEEP=1 keeps a failed run's data dirs and agent logs for diagnosis.
  const keep = !ok && process.env['SHOAL_CHAOS_KEEP'] === '1'
  await cluster.close(keep)
  if (keep) log(`  kept the failed run's files in ${cluster.root}`)
  if (failure !== undefined) throw failure
  return {
    seed: options.seed,
    steps: options.steps,
    agents: options.agents,
    faults,
    acked: client.stats.acked.length,
    failedWrites: client.stats.failedWrites,
    scales: client.stats.scales,
    failedScales: client.stats.failedScales,
    checks,
    ok,
    durationMs: Date.now() - started,
  }
}

export function formatReport(r: ChaosReport): string {
  const lines = [
    `chaos ${r.ok ? 'PASSED' : 'FAILED'}: seed ${r.seed}, ${r.agents} agents, ${r.faults.length} faults, ${(r.durationMs / 1000).toFixed(1)} s`,
    `  client: ${r.acked} writes acknowledged, ${r.failedWrites} refused/unreachable; ${r.scales} rescales, ${r.failedScales} refused`,
    `  faults: ${r.faults.join('; ')}`,
    ...r.checks.map((c) => `  ${c.ok ? 'ok  ' : 'FAIL'} ${c.name}: ${c.detail}`),
  ]
  if (!r.ok) lines.push(`  replay: npm run chaos -- --seed ${r.seed} --steps ${r.steps} --agents ${r.agents}`)
  return lines.join('\n')
}
