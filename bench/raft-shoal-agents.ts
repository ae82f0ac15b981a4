// Three shoal agents as separate OS processes (the built CLI with --test-hooks), for the kill -9
// failover trials and for commit load through the agents' HTTP debug endpoint.
import { join } from 'node:path'
import { performance } from 'node:perf_hooks'
import { ProcessAgent } from '../test/harness/processes.js'
import { raftView } from '../test/harness/raft-view.js'
import type { RaftView } from '../test/harness/raft-view.js'
import { sleep, waitFor } from '../test/harness/wait.js'
import { firstSuccess } from './raft-first-success.js'
import type { Attempt } from './raft-first-success.js'
import { closedLoop } from './raft-load.js'
import type { LoadOptions, LoadResult } from './raft-load.js'

const BIND = '/shoal/v1/debug/raft/bind'

export class AgentCluster {
  private constructor(readonly agents: ProcessAgent[]) {}

  /** Starts n agents (the first creates the cluster, the rest join it) and waits for n voters. */
  static async start(root: string, n = 3): Promise<AgentCluster> {
    const agents: ProcessAgent[] = []
    const cluster = new AgentCluster(agents)
    try {
      for (let i = 0; i < n; i++) {
        const first = agents[0]
        // Default membership timings too, so nothing but raft's own defaults shapes the failover.
        const a = new ProcessAgent({
          name: `raft${i + 1}`,
          dataDir: join(root, `raft${i + 1}`),
          defaultTiming: true,
          ...(first !== undefined ? { join: [first.p2pHostPort], clusterKeyFile: join(root, 'raft1', 'cluster.key') } : {}),
        })
        agents.push(a)
        await a.start()
      }
      await cluster.steady(60_000)
      return cluster
    } catch (err) {
      await cluster.destroy()
      throw err
    }
  }

  get running(): ProcessAgent[] {
    return this.agents.filter((a) => a.running)
  }

  /**
   * Waits until every agent runs, all see `agents.length` voters and the same leader, and every
   * follower has applied what the leader had committed: the state a trial starts from.
   */
  async steady(timeoutMs = 30_000): Promise<ProcessAgent> {
    const n = this.agents.length
    const id = await waitFor(
      async () => {
        if (this.running.length !== n) return undefined
        const views: RaftView[] = await Promise.all(this.agents.map((a) => raftView(a.api)))
        const leader = views.find((v) => v.role === 'leader')
        if (leader === undefined || views.some((v) => v.voters.length !== n || v.leader !== leader.leader || v.applied < leader.commit)) return undefined
        return leader.leader
      },
      { timeoutMs, intervalMs: 50, message: `${n} voters agreeing on a leader, all caught up` },
    )
    return this.agents.find((a) => a.peerId === id)!
  }

  /**
   * One failover trial: kill -9 the leader, then every 10 ms ask each survivor whether it claims
   * leadership and fire a bind at those that do; the time is from the kill to the first 200.
   * The killed agent is restarted over its data dir afterwards, and all three caught up.
   */
  async failoverTrial(trial: number, settleMs: number): Promise<number> {
    const leader = await this.steady()
    await sleep(settleMs)
    const survivors = this.agents.filter((a) => a !== leader)
    let n = 0
    const round = async (): Promise<Attempt[]> => {
      const views = await Promise.all(survivors.map((a) => raftView(a.api).catch(() => undefined)))
      return survivors
        .filter((_, i) => views[i]?.role === 'leader')
        .map((a) => async () => (await a.api.request('POST', BIND, { podUid: `failover-${trial}-${n++}`, nodeId: 'nowhere' })).status === 200)
    }
    const killedAt = performance.now()
    await leader.kill9()
    try {
      return await firstSuccess(round, killedAt, { intervalMs: 10, timeoutMs: 30_000 })
    } finally {
      // Back to steady before returning, so a restarting agent does not load what is measured next.
      await leader.start({ join: [] })
      await this.steady()
    }
  }

  /** Closed-loop binds at the leader's HTTP endpoint; each worker rebinds its own pod uid. */
  async bindLoad(options: LoadOptions): Promise<LoadResult> {
    const leader = await this.steady()
    return closedLoop(async (w) => {
      const r = await leader.api.request('POST', BIND, { podUid: bindUid(w), nodeId: 'nowhere' })
      if (r.status !== 200) throw new Error(`bind answered ${r.status}`)
    }, options)
  }

  async destroy(): Promise<void> {
    await Promise.allSettled(this.agents.map((a) => a.destroy()))
  }
}

/**
 * A uid of a fixed length, so every load entry has the same size. A rebind of a bound uid is
 * refused by the state machine, but only after it was committed like any other entry.
 */
export function bindUid(worker: number): string {
  return `bench-${String(worker).padStart(3, '0')}`
}
