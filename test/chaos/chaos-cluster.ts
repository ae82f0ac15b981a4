import { ProcessCluster } from '../harness/process-cluster.js'
import type { ProcessAgent } from '../harness/processes.js'
import { partition } from '../harness/processes.js'
import { raftView } from '../harness/raft-view.js'

/** Agents for chaos runs: fast failure detection, quick rescheduling, test hooks on. */
const AGENT_ARGS = ['--reschedule-after', '1s', '--voter-replace-after', '15s']

/** A cluster of agent processes that the chaos schedule kills, restarts and partitions. */
export class ChaosCluster {
  private groups: ProcessAgent[][] = []

  private constructor(private readonly cluster: ProcessCluster) {}

  static async start(n: number): Promise<ChaosCluster> {
    return new ChaosCluster(await ProcessCluster.start('c', n, AGENT_ARGS))
  }

  get agents(): ProcessAgent[] {
    return this.cluster.agents
  }

  live(): ProcessAgent[] {
    return this.agents.filter((a) => a.running)
  }

  dead(): ProcessAgent[] {
    return this.agents.filter((a) => !a.running)
  }

  /**
   * The leader, waiting a while for one: right after a kill or a partition an election may be
   * under way, and a kill-leader or isolate-leader that found none would test nothing. A stale
   * leader cut off in a minority may still call itself leader, so the highest term wins.
   */
  async leader(waitMs = 15_000): Promise<ProcessAgent | undefined> {
    const deadline = Date.now() + waitMs
    for (;;) {
      const views = await Promise.all(this.live().map(async (a) => ({ a, v: await raftView(a.api).catch(() => undefined) })))
      const leaders = views.filter((x) => x.v?.role === 'leader').sort((x, y) => (y.v?.term ?? 0) - (x.v?.term ?? 0))
      if (leaders[0] !== undefined) return leaders[0].a
      if (Date.now() > deadline) return undefined
      await new Promise((r) => setTimeout(r, 250))
    }
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

  get root(): string {
    return this.cluster.root
  }

  async close(keepFiles = false): Promise<void> {
    await this.cluster.close(keepFiles)
  }
}
