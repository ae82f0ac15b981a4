// A 3-member etcd cluster on loopback (Debian's etcd-server), each member its own process with its
// own data dir, driven through the etcd3 client: the peer shoal's raft is compared against.
import { spawn, spawnSync } from 'node:child_process'
import type { ChildProcess } from 'node:child_process'
import { createWriteStream } from 'node:fs'
import { mkdir } from 'node:fs/promises'
import { createServer } from 'node:net'
import { join } from 'node:path'
import { performance } from 'node:perf_hooks'
// cockatiel comes with etcd3, whose public options are typed with its policies.
import { noop } from 'cockatiel'
import { Etcd3 } from 'etcd3'
import { sleep, waitFor } from '../test/harness/wait.js'
import { firstSuccess } from './raft-first-success.js'
import type { Attempt } from './raft-first-success.js'
import { closedLoop } from './raft-load.js'
import type { LoadOptions, LoadResult } from './raft-load.js'

export interface EtcdMember {
  name: string
  dataDir: string
  clientUrl: string
  peerUrl: string
  /** One client per member, so a write goes exactly where the benchmark sends it. */
  client: Etcd3
  proc?: ChildProcess
  exited?: Promise<void>
}

/** The etcd version on PATH, or undefined when etcd is not installed. */
export function etcdVersion(): string | undefined {
  const out = spawnSync('etcd', ['--version'], { encoding: 'utf8' })
  if (out.status !== 0) return undefined
  return /etcd Version: (\S+)/.exec(out.stdout)?.[1] ?? 'unknown'
}

async function freePort(): Promise<number> {
  const srv = createServer()
  await new Promise<void>((resolve, reject) => srv.once('error', reject).listen(0, '127.0.0.1', resolve))
  const port = (srv.address() as { port: number }).port
  await new Promise<void>((resolve) => srv.close(() => resolve()))
  return port
}

/**
 * etcd3's default fault handling retries on another host and opens a circuit breaker for 5 s
 * after failures; both would hide or stretch the failover being measured, so every call goes
 * once to the one member its client names.
 */
function clientFor(url: string): Etcd3 {
  return new Etcd3({ hosts: url, faultHandling: { host: () => noop, global: noop } })
}

export class EtcdCluster {
  private constructor(
    readonly root: string,
    readonly members: EtcdMember[],
  ) {}

  /** Starts n members with etcd's default heartbeat (100 ms) and election timeout (1000 ms). */
  static async start(root: string, n = 3): Promise<EtcdCluster> {
    const members: EtcdMember[] = []
    for (let i = 0; i < n; i++) {
      const clientUrl = `http://127.0.0.1:${await freePort()}`
      members.push({ name: `etcd${i + 1}`, dataDir: join(root, `etcd${i + 1}`), clientUrl, peerUrl: `http://127.0.0.1:${await freePort()}`, client: clientFor(clientUrl) })
    }
    const cluster = new EtcdCluster(root, members)
    try {
      for (const m of members) await cluster.spawn(m)
      await cluster.steady(60_000)
      return cluster
    } catch (err) {
      await cluster.close()
      throw err
    }
  }

  private async spawn(m: EtcdMember): Promise<void> {
    await mkdir(m.dataDir, { recursive: true })
    const initial = this.members.map((o) => `${o.name}=${o.peerUrl}`).join(',')
    // On a restart the data dir already holds the membership, and etcd ignores the --initial-* flags.
    const args = [
      '--name', m.name,
      '--data-dir', m.dataDir,
      '--listen-client-urls', m.clientUrl,
      '--advertise-client-urls', m.clientUrl,
      '--listen-peer-urls', m.peerUrl,
      '--initial-advertise-peer-urls', m.peerUrl,
      '--initial-cluster', initial,
      '--initial-cluster-token', `shoal-bench-${process.pid}`,
      '--initial-cluster-state', 'new',
      '--logger', 'zap',
      '--log-level', 'warn',
    ]
    const log = createWriteStream(join(this.root, `${m.name}.log`), { flags: 'a' })
    const proc = spawn('etcd', args, { stdio: ['ignore', 'pipe', 'pipe'] })
    proc.stdout.pipe(log)
    proc.stderr.pipe(log)
    m.proc = proc
    m.exited = new Promise((resolve) => proc.once('exit', () => resolve()))
  }

  /**
   * Every member answers Status, names the same leader and has committed as far as the leader
   * (a restarted member has caught up); resolves with that leader.
   */
  async steady(timeoutMs = 30_000): Promise<EtcdMember> {
    return waitFor(
      async () => {
        const sts = await Promise.all(this.members.map((m) => m.client.maintenance.status({ deadline: Date.now() + 1000 })))
        const leaders = new Set(sts.map((s) => s.leader))
        const [id] = [...leaders]
        if (leaders.size !== 1 || id === undefined || id === '0') return undefined
        const at = sts.findIndex((s) => s.header.member_id === id)
        if (at < 0 || sts.some((s) => Number(s.raftIndex) < Number(sts[at]!.raftIndex))) return undefined
        return this.members[at]
      },
      { timeoutMs, intervalMs: 50, message: `${this.members.length} etcd members agreeing on a leader, all caught up` },
    )
  }

  /**
   * One failover trial: kill -9 the leader, then every 10 ms put through each survivor (a
   * follower forwards to the leader it knows); the time is from the kill to the first success.
   * The killed member is restarted over its data dir afterwards, and the cluster steady again.
   */
  async failoverTrial(trial: number, settleMs: number, value: Buffer): Promise<number> {
    const leader = await this.steady()
    await sleep(settleMs)
    const survivors = this.members.filter((m) => m !== leader)
    let n = 0
    // A put forwarded to the dead leader hangs until its deadline; later rounds do not wait for it.
    const round = async (): Promise<Attempt[]> =>
      survivors.map((m) => async () => {
        await m.client.put(`failover-${trial}-${n++}`).value(value).options({ deadline: Date.now() + 3000 }).exec()
        return true
      })
    const killedAt = performance.now()
    await this.kill9(leader)
    try {
      return await firstSuccess(round, killedAt, { intervalMs: 10, timeoutMs: 30_000 })
    } finally {
      await this.restart(leader)
      await this.steady()
    }
  }

  /** Closed-loop puts through the leader's client; each worker overwrites its own key. */
  async putLoad(options: LoadOptions, value: Buffer): Promise<LoadResult> {
    const leader = await this.steady()
    return closedLoop((w) => leader.client.put(`bench-${String(w).padStart(3, '0')}`).value(value).exec(), options)
  }

  async kill9(m: EtcdMember): Promise<void> {
    m.proc?.kill('SIGKILL')
    await m.exited
    m.proc = undefined
  }

  async restart(m: EtcdMember): Promise<void> {
    await this.spawn(m)
  }

  async close(): Promise<void> {
    for (const m of this.members) {
      m.client.close()
      await this.kill9(m)
    }
  }
}
