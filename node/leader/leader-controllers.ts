import type { SoftState } from '../../consensus/core/ready.js'
import type { RaftNode } from '../../consensus/driver/raft-node.js'
import type { Startable } from '../../lib/startable.js'
import type { Logger } from '../logger.js'
import type { LeaderLoop } from './leader-loop.js'

export interface LeaderControllersComponents {
  raft: RaftNode
  loops: LeaderLoop[]
  /** Pull the replicated store from these peers before acting on it as the new leader. */
  syncPeers: () => Promise<void>
  logger: Logger
}

/**
 * Runs the controllers only while this node is the ready raft leader. On election it first pulls
 * the object store from its peers (so a fresh leader does not act on a stale view), then activates
 * every loop; on losing leadership it deactivates them at once.
 */
export class LeaderControllers implements Startable {
  private generation = 0
  private readonly onReady = (): void => void this.activate()
  private readonly onRole = (ss: SoftState): void => {
    if (ss.role !== 'leader') void this.deactivate()
  }

  constructor(private readonly components: LeaderControllersComponents) {}

  start(): void {
    this.components.raft.on('raft:leader-ready', this.onReady)
    this.components.raft.on('raft:role', this.onRole)
    if (this.components.raft.isReadyLeader) void this.activate()
  }

  async stop(): Promise<void> {
    this.components.raft.off('raft:leader-ready', this.onReady)
    this.components.raft.off('raft:role', this.onRole)
    await this.deactivate()
  }

  private async activate(): Promise<void> {
    const generation = ++this.generation
    await this.components.syncPeers().catch((err: unknown) => this.components.logger.debug({ err }, 'pre-leadership sync incomplete'))
    if (generation !== this.generation || !this.components.raft.isReadyLeader) return
    this.components.logger.info('this node leads: controllers and scheduler are active')
    for (const loop of this.components.loops) loop.activate()
  }

  private async deactivate(): Promise<void> {
    this.generation++
    if (!this.components.loops.some((l) => l.isActive)) return
    this.components.logger.info('leadership lost: controllers and scheduler stopped')
    await Promise.all(this.components.loops.map((l) => l.deactivate()))
  }
}

