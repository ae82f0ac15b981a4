import type { RaftNode } from '../../consensus/driver/raft-node.js'
import type { Startable } from '../../lib/startable.js'
import type { AgentEventBus } from '../events.js'
import type { Logger } from '../logger.js'
import type { Member } from '../membership/member-table.js'

export interface FormationComponents {
  raft: RaftNode
  members: () => Member[]
  events: AgentEventBus
  logger: Logger
}

export interface FormationInit {
  /** This node joins nobody: with empty raft state it forms a cluster of one. */
  firstNode: boolean
  /** Wait for this many nodes started with the same value, then form the voter set together. */
  bootstrapExpect?: number
  checkIntervalMs?: number
  /** How long an empty node waits before it warns that nobody added it. */
  warnAfterMs?: number
}

/**
 * Decides whether this node forms a new raft cluster. A restarted node (raft state on disk) never
 * does; a first node does alone; with --bootstrap-expect N, the N nodes that see each other pick
 * the same voter set (the N lowest peer ids among the candidates) and each bootstraps it; every
 * other node waits to be added as a learner by the leader's autopilot.
 */
export class Formation implements Startable {
  private timer: NodeJS.Timeout | undefined
  private warned = false
  private readonly startedAt = Date.now()
  private readonly check = (): void => this.tryForm()

  constructor(
    private readonly components: FormationComponents,
    private readonly init: FormationInit,
  ) {}

  start(): void {
    const { raft } = this.components
    if (!raft.isEmpty) return
    if (this.init.bootstrapExpect === undefined) {
      if (this.init.firstNode) {
        raft.bootstrap([raft.id])
        return
      }
    }
    this.timer = setInterval(this.check, this.init.checkIntervalMs ?? 250)
    this.components.events.on('member:alive', this.check)
  }

  stop(): void {
    clearInterval(this.timer)
    this.components.events.off('member:alive', this.check)
  }

  private tryForm(): void {
    const { raft, logger } = this.components
    if (!raft.isEmpty) return this.stop()
    const members = this.components.members().filter((m) => m.state === 'alive')
    if (members.some((m) => !m.self && m.heartbeat.raft !== undefined && m.heartbeat.raft.empty !== true)) {
      // A cluster already exists here; its leader adds this node as a learner.
      this.warnIfStuck()
      return
    }
    const expect = this.init.bootstrapExpect
    if (expect === undefined) return this.warnIfStuck()
    const candidates = members
      .filter((m) => m.heartbeat.bootstrapExpect === expect)
      .map((m) => m.heartbeat.peerId)
      .sort()
    if (candidates.length < expect) return
    const voters = candidates.slice(0, expect)
    if (!voters.includes(raft.id)) return
    if (raft.bootstrap(voters)) {
      logger.info({ voters: voters.length }, `formed the first voter set with ${expect} nodes`)
      this.stop()
    }
  }

  private warnIfStuck(): void {
    if (this.warned || Date.now() - this.startedAt < (this.init.warnAfterMs ?? 15_000)) return
    const members = this.components.members()
    if (members.some((m) => !m.self && m.heartbeat.raft?.leader !== undefined && m.heartbeat.raft.leader !== '')) return
    this.warned = true
    this.components.logger.warn(
      'no raft leader yet and this node has no raft state: start the first node of a new cluster without --join, or start every initial node with the same --bootstrap-expect N',
    )
  }
}
