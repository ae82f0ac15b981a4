import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { listNodes } from '../harness/api.js'
import { ProcessAgent, partition } from '../harness/processes.js'
import { raftView } from '../harness/raft-view.js'
import { waitFor } from '../harness/wait.js'

/** Agents for chaos runs: fast failure detection, quick rescheduling, test hooks on. */
const AGENT_ARGS = ['--reschedule-after', '1s', '--voter-replace-after', '15s']

/** A cluster of agent processes that the chaos schedule kills, restarts and partitions. */
export class ChaosCluster {
  readonly agents: ProcessAgent[] = []
  private groups: ProcessAgent[][] = []

  private constructor(readonly root: string) {}

  static async start(n: number): Promise<ChaosCluster> {
    const c = new ChaosCluster(await mkdtemp(join(tmpdir(), 'shoal-chaos-')))
    try {
      for (let i = 1; i <= n; i++) {
        const first = c.agents[0]
        const a = new ProcessAgent({
          name: `c${i}`,
          dataDir: join(c.root, `c${i}`),
          serviceAddress: `127.0.0.${i}`,
          args: AGENT_ARGS,
          ...(first !== undefined ? { join: [first.p2pHostPort], clusterKeyFile: join(c.root, 'c1', 'cluster.key') } : {}),
        })
        await a.start()
        c.agents.push(a)
      }
      const voters = Math.min(n % 2 === 1 ? n : n - 1, 5)
      await waitFor(async () => (await raftView(c.agents[0]!.api)).voters.length === voters, { timeoutMs: 60_000, message: `${voters} voters` })
      for (const a of c.agents) await waitFor(async () => (await listNodes(a.api)).filter((x) => x.ready === 'True').length === n, { timeoutMs: 30_000 })
    } catch (err) {
      await c.close()
      throw err
    }
    return c
  }

  live(): ProcessAgent[] {
    return this.agents.filter((a) => a.running)
  }

  dead(): ProcessAgent[] {
    return this.agents.filter((a) => !a.running)
  }

  /** The node the live agents agree leads, if any. */
  async leader(): Promise<ProcessAgent | undefined> {
    for (const a of this.live()) {
      const v = await raftView(a.api).catch(() => undefined)
      if (v?.role === 'leader') return a
    }
    return undefined
  }

  async kill(a: ProcessAgent): Promise<void> {
    await a.kill9()
  }

  async restart(a: ProcessAgent): Promise<void> {
    await a.start({ join: [] })
    // A restarted agent must honour the partition that is in force.
    if (this.groups.length > 1) await this.partition(this.groups)
  }

  async gracefulRestart(a: ProcessAgent): Promise<void> {
    await a.stop()
    await this.restart(a)
  }

  async partition(groups: ProcessAgent[][]): Promise<void> {
    this.groups = groups
    await partition(groups.map((g) => g.filter((a) => a.running)))
  }

  async heal(): Promise<void> {
    this.groups = []
    await partition([this.live()])
  }

  async close(): Promise<void> {
    await Promise.allSettled(this.agents.map((a) => a.destroy()))
    await rm(this.root, { recursive: true, force: true, maxRetries: 5, retryDelay: 100 })
  }
}
