// Commit throughput and latency of shoal's RaftNode itself: three voters in this process, each with
// its own libp2p host (TCP on loopback, noise, yamux), RaftTransport and fsyncing DiskStorage.
import type { RaftNode } from '../consensus/driver/raft-node.js'
import { DEFAULT_RAFT } from '../node/config/agent-config.js'
import { RaftCluster } from '../test/consensus/driver/raft-fixture.js'
import { closedLoop, payload } from './raft-load.js'
import type { LoadOptions, LoadResult } from './raft-load.js'

export class InProcessCluster {
  private readonly bodies = new Map<number, Uint8Array>()

  private constructor(
    private readonly cluster: RaftCluster,
    private readonly leader: RaftNode,
    private readonly payloadBytes: number,
  ) {}

  /** A fresh 3-voter cluster with the agent's default raft settings, once it has a ready leader. */
  static async start(payloadBytes: number): Promise<InProcessCluster> {
    const cluster = await RaftCluster.create(3)
    try {
      for (const m of cluster.members) {
        await cluster.startMember(m, {
          bootstrap: cluster.ids,
          tickMs: DEFAULT_RAFT.tickMs,
          electionTicks: DEFAULT_RAFT.electionTicks,
          heartbeatTicks: DEFAULT_RAFT.heartbeatTicks,
          snapshotEntries: DEFAULT_RAFT.snapshotEntries,
          proposalTimeoutMs: 10_000,
        })
      }
      const leader = await cluster.waitLeader()
      return new InProcessCluster(cluster, leader.raft!, payloadBytes)
    } catch (err) {
      await cluster.close()
      throw err
    }
  }

  /**
   * Closed-loop proposals at the leader: propose() resolves once the entry is applied on the
   * leader, which is after a quorum (the leader included) has fsynced it. A leadership change
   * mid-run shows as errors (NotLeader), not as a silent mix of two leaders.
   */
  async load(options: LoadOptions): Promise<LoadResult> {
    return closedLoop((w) => this.leader.propose(this.body(w)), options)
  }

  async close(): Promise<void> {
    await this.cluster.close()
  }

  /** The test state machine reads "key=value"; one key per worker keeps its map small. */
  private body(worker: number): Uint8Array {
    let b = this.bodies.get(worker)
    if (b === undefined) this.bodies.set(worker, (b = payload(`w${worker}=`, this.payloadBytes)))
    return b
  }
}
