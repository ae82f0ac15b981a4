// shoal's Raft against etcd on this machine: commit throughput and p50/p99 latency of 3 voters on
// loopback with fsync, with 1 and 64 concurrent writers, and the time from kill -9 of the leader to
// the first new commit. With Debian's etcd-server on PATH, a 3-member etcd runs the same measures
// in the same run and the table shows our/etcd ratios. The machine is shared, so each shoal
// measure is taken right beside etcd's (load runs back to back, failover trials alternating): a
// burst of other work then skews both sides rather than one.
// Run: npx tsc -p tsconfig.build.json && node dist/bench/raft.js   (or import { main }).
import { mkdtemp, rm } from 'node:fs/promises'
import { cpus, loadavg, tmpdir } from 'node:os'
import { join } from 'node:path'
import { performance } from 'node:perf_hooks'
import { pathToFileURL } from 'node:url'
import { encodeCommand, TEST_HOOK_NAMESPACE } from '../node/allocation/commands.js'
import { DEFAULT_RAFT } from '../node/config/agent-config.js'
import { report } from './lib/report.js'
import { AgentCluster, bindUid } from './raft-shoal-agents.js'
import { ETCD_PATH, EtcdSide, Trials } from './raft-etcd-side.js'
import { payload } from './raft-load.js'
import type { LoadOptions } from './raft-load.js'
import { InProcessCluster } from './raft-shoal-inproc.js'
import { aims, failoverMeasure, FAILOVER, loadMeasure, toRows } from './raft-rows.js'
import type { Measured } from './raft-rows.js'

export interface RaftBenchOptions {
  /** Measured length of each load run. Default 10 s. */
  durationMs?: number
  /** Unmeasured load before each run. Default 1 s. */
  warmupMs?: number
  /** Concurrent writers, one load run each. Default [1, 64]. */
  concurrencies?: number[]
  /** Bytes of each written value. Default 128. */
  payloadBytes?: number
  /** Leader kills per system. Default 20. */
  failoverTrials?: number
  /** Pause once a cluster is steady before the next kill, so heartbeats are in their rhythm. Default 1 s. */
  settleMs?: number
  /** Also load shoal through the agents' HTTP debug endpoint (3 processes, like etcd). Default true. */
  agentLoad?: boolean
  /** Run etcd when it is on PATH. Default true. */
  etcd?: boolean
}

const IN_PROCESS = 'RaftNode in one process, 3 libp2p hosts'
const AGENTS = 'agent processes, HTTP debug bind'

/** A run takes minutes: say on stderr which phase it is in (the table goes to stdout). */
function progress(message: string): void {
  process.stderr.write(`raft bench: ${message}\n`)
}

/** How each number was taken, for the report's meta. */
function describe(o: Required<RaftBenchOptions>, etcd: string): Record<string, string> {
  const bind = { podUid: bindUid(0), namespace: TEST_HOOK_NAMESPACE, name: bindUid(0), nodeId: 'nowhere', nodeName: 'nowhere', cpuMillis: 0, memoryBytes: 0, hostPorts: [], ports: [] }
  const bindBytes = encodeCommand({ op: 'bind', bindings: [bind] }).length
  return {
    shoalRaft: `tick ${DEFAULT_RAFT.tickMs} ms, election ${DEFAULT_RAFT.electionTicks} ticks (randomised up to 2x), pre-vote and check-quorum, fsync on (DiskStorage in ${tmpdir()})`,
    etcd,
    load:
      `closed loop per writer (write, await commit, repeat), ${o.warmupMs} ms warm-up then ${o.durationMs} ms measured; ` +
      `shoal ${IN_PROCESS} (tcp + noise + yamux, no cluster key): propose() resolves when applied on the leader, ${o.payloadBytes} B payload (+ ~15 B envelope); ` +
      `shoal ${AGENTS}: POST answers once applied on the leader, entry ${bindBytes} B of JSON; ` +
      `etcd: put of a ${o.payloadBytes} B value through the leader's endpoint, one gRPC connection`,
    failover:
      `${o.failoverTrials} trials, from SIGKILL of the leader to the first successful write (p99 is nearest-rank: with 20 trials, the slowest); ` +
      `shoal polls each survivor's /shoal/v1/cluster every 10 ms and binds at any that claims leadership; ` +
      `etcd puts through every survivor every 10 ms (3 s deadline); ` +
      `the killed member restarts over its data dir between trials, then ${o.settleMs} ms settle once all agree on a leader`,
    ratios: 'ours / etcd for the same measure: above 1 is better for ops/s, below 1 is better for latency',
  }
}

/** Measures, prints the table and writes bench/results/raft.json. */
export async function main(options: RaftBenchOptions = {}): Promise<void> {
  const o: Required<RaftBenchOptions> = {
    durationMs: options.durationMs ?? 10_000,
    warmupMs: options.warmupMs ?? 1000,
    concurrencies: options.concurrencies ?? [1, 64],
    payloadBytes: options.payloadBytes ?? 128,
    failoverTrials: options.failoverTrials ?? 20,
    settleMs: options.settleMs ?? 1000,
    agentLoad: options.agentLoad ?? true,
    etcd: options.etcd ?? true,
  }
  const started = performance.now()
  const loadBefore = loadavg()[0]!
  const root = await mkdtemp(join(tmpdir(), 'shoal-raft-bench-'))
  const value = Buffer.from(payload('', o.payloadBytes))
  const etcd = await EtcdSide.start(root, o.etcd)
  const inProcess: Measured[] = []
  const agents: Measured[] = []
  try {
    const direct = await InProcessCluster.start(o.payloadBytes)
    try {
      for (const concurrency of o.concurrencies) {
        const load: LoadOptions = { concurrency, durationMs: o.durationMs, warmupMs: o.warmupMs }
        progress(`load with ${concurrency} writer(s): shoal in-process, then etcd`)
        inProcess.push(loadMeasure('shoal', IN_PROCESS, await direct.load(load)))
        await etcd.guard(async (c) => etcd.measured.push(loadMeasure('etcd', ETCD_PATH, await c.putLoad(load, value))))
      }
    } finally {
      await direct.close()
    }
    const cluster = await AgentCluster.start(join(root, 'shoal'))
    try {
      for (const concurrency of o.agentLoad ? o.concurrencies : []) {
        progress(`load with ${concurrency} writer(s): shoal agents over HTTP`)
        agents.push(loadMeasure('shoal', AGENTS, await cluster.bindLoad({ concurrency, durationMs: o.durationMs, warmupMs: o.warmupMs })))
      }
      progress(`${o.failoverTrials} failover trials each, shoal and etcd alternating`)
      const ours = new Trials()
      for (let i = 0; i < o.failoverTrials; i++) {
        await ours.run(() => cluster.failoverTrial(i, o.settleMs))
        await etcd.guard((c) => etcd.trials.run(() => c.failoverTrial(i, o.settleMs, value)))
      }
      agents.push(failoverMeasure('shoal', AGENTS, ours.ms, ours.failed))
    } finally {
      await cluster.destroy()
    }
  } finally {
    await etcd.close()
    await rm(root, { recursive: true, force: true })
  }
  const measured = [...inProcess, ...agents, ...etcd.rows([...inProcess.map((m) => m.measure), FAILOVER])]
  report('raft', toRows(measured), {
    ...describe(o, etcd.why === undefined ? `etcd ${etcd.version}, defaults (heartbeat 100 ms, election 1000 ms, pre-vote off), data dirs in ${tmpdir()}` : `skipped: ${etcd.why}`),
    aims: aims([...inProcess, ...agents.filter((m) => m.measure === FAILOVER)], measured),
    failoverMs: Object.fromEntries(measured.filter((m) => m.samples !== undefined).map((m) => [m.system, m.samples])),
    loadAverage: `${loadBefore.toFixed(1)} at start, ${loadavg()[0]!.toFixed(1)} at end (1-minute, ${cpus().length} cpus; other work on the machine skews every number)`,
    runSeconds: Math.round((performance.now() - started) / 1000),
  })
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) await main()
