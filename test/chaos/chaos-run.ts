import { Prng } from '../../lib/prng.js'
import { HTTP_POD_COMMAND } from '../harness/http-pod.js'
import { waitFor } from '../harness/wait.js'
import { processRc } from '../harness/workloads.js'
import type { CheckResult } from './chaos-checks.js'
import { agreedRaftLog, allRunning, exactReplicas, identicalObjects, noLostWrites, scalesHonoured, serviceEndpoints, serviceReachable } from './chaos-checks.js'
import { ChaosClient } from './chaos-client.js'
import { ChaosCluster } from './chaos-cluster.js'
import type { Action } from './fault-resolver.js'
import { FaultResolver } from './fault-resolver.js'
import type { ScheduledFault } from './fault-schedule.js'
import { faultSchedule } from './fault-schedule.js'
import { observeNode, observeProcesses } from './observe.js'
import { allowedReplicas } from './scale-history.js'

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

/** The schedule a seed gives, without running it: tests assert which faults a seed covers. */
export function scheduleFor(seed: number, agents: number, steps: number): ScheduledFault[] {
  return faultSchedule(new Prng(seed), agents, steps)
}

/** Initial replicas of each controller; chaos-web sits behind the SERVICE. */
const CONTROLLERS: Record<string, number> = { 'chaos-web': 3, 'chaos-work': 4 }
const SERVICE = { name: 'chaos-web', port: 18200, selector: { app: 'chaos-web' } }

async function apply(cluster: ChaosCluster, resolver: FaultResolver, step: number, scheduled: ScheduledFault): Promise<string> {
  const agents = cluster.agents
  const f = scheduled.fault
  const needsLeader = f.kind === 'kill-leader' || f.kind === 'isolate-leader'
  const leader = needsLeader ? await cluster.leader() : undefined
  const action: Action = resolver.resolve(step, f, { running: (i) => agents[i]!.running, leader: leader === undefined ? undefined : agents.indexOf(leader) })
  switch (action.kind) {
    case 'kill':
      await cluster.kill(agents[action.target]!)
      break
    case 'restart':
      await cluster.restart(agents[action.target]!)
      break
    case 'graceful-restart':
      await cluster.gracefulRestart(agents[action.target]!)
      break
    case 'partition':
      await cluster.partition(action.groups.map((g) => g.map((i) => agents[i]!)))
      break
    case 'heal':
      await cluster.heal()
      break
    case 'skip':
      break
  }
  return action.what
}

/**
 * One chaos run: a 5-agent cluster runs two replication controllers (one behind a service) while a
 * client writes and rescales at random nodes and a seeded schedule kills, restarts and partitions
 * agents. After everything heals, every check must pass within the settle time; each check reads
 * every node, so a node that never converges fails the run with its own state in the detail.
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
  const controllers = Object.keys(CONTROLLERS)
  const client = new ChaosClient(cluster, new Prng(options.seed ^ 0x5f3759df), controllers)
  try {
    const api = cluster.agents[0]!.api
    const web = processRc('chaos-web', CONTROLLERS['chaos-web']!, '')
    const webSpec = (web['spec'] as { template: { spec: { containers: Record<string, unknown>[] } } }).template.spec
    webSpec.containers[0] = { name: 'main', command: HTTP_POD_COMMAND, ports: [{ name: 'http', containerPort: 8080 }] }
    for (const rc of [web, processRc('chaos-work', CONTROLLERS['chaos-work']!, 'sleep 3600')]) {
      const r = await api.request('POST', '/api/v1/namespaces/default/replicationcontrollers', rc)
      if (r.status !== 201) throw new Error(`creating ${String((rc['metadata'] as { name: string }).name)} failed: ${r.status}`)
    }
    const svc = await api.request('POST', '/api/v1/namespaces/default/services', {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: SERVICE.name },
      spec: { selector: SERVICE.selector, ports: [{ port: SERVICE.port, targetPort: 'http' }] },
    })
    if (svc.status !== 201) throw new Error(`creating service ${SERVICE.name} failed: ${svc.status}`)
    client.start()
    const resolver = new FaultResolver(options.agents)
    for (const [i, step] of schedule.entries()) {
      const what = await apply(cluster, resolver, i, step)
      faults.push(what)
      log(`  fault ${i + 1}: ${what}`)
      await new Promise((r) => setTimeout(r, step.pauseMs))
    }
    await client.stop()
    log('  healing: restarting every agent, reconnecting every link')
    await cluster.heal()
    for (const a of cluster.dead()) await cluster.restart(a)
    await cluster.heal()
    const allowed = Object.fromEntries(controllers.map((c) => [c, allowedReplicas(CONTROLLERS[c]!, client.stats.scaleWrites.filter((w) => w.controller === c))]))
    const run = async (): Promise<CheckResult[]> => {
      const nodes = await Promise.all(cluster.agents.map((a) => observeNode(a, { service: SERVICE.name, servicePort: SERVICE.port, controllers })))
      return [
        allRunning(observeProcesses(cluster.agents)),
        identicalObjects(nodes),
        noLostWrites(nodes, client.stats.acked),
        scalesHonoured(nodes, allowed),
        exactReplicas(nodes, controllers),
        serviceEndpoints(nodes, SERVICE.name, SERVICE.selector),
        serviceReachable(nodes, SERVICE.name),
        agreedRaftLog(nodes),
      ]
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
