import type { RaftNode } from '../../consensus/driver/raft-node.js'
import type { Startable } from '../../lib/startable.js'
import type { AgentEventBus } from '../events.js'
import type { Logger } from '../logger.js'
import type { Member } from '../membership/member-table.js'
import { planFormation } from './formation-plan.js'

/** Where a node's formation proposal is kept, so that a restart cannot make it propose another. */
export interface ProposalStore {
  read(): Promise<string[] | undefined>
  write(voters: string[]): Promise<void>
}

export interface FormationComponents {
  raft: Pick<RaftNode, 'id' | 'isEmpty' | 'bootstrap'>
  members: () => Member[]
  events: AgentEventBus
  logger: Logger
  proposals: ProposalStore
}

export interface FormationInit {
  /** This node joins nobody: with empty raft state it forms a cluster of one. */
  firstNode: boolean
  /** Wait for this many nodes started with the same value, then form the voter set together. */
  bootstrapExpect?: number
  checkIntervalMs?: number
  /** How long an empty node waits before it warns that nobody added it. */
  warnAfterMs?: number
  /**
   * How long the nodes in view must stay the same before this node proposes a voter set
   * (default 1 s). Nodes started together then propose from the same view, and agree.
   */
  settleMs?: number
}

/**
 * Decides whether this node forms a new raft cluster. A restarted node (raft state on disk) never
 * does; a first node does alone; with --bootstrap-expect N, the nodes agree on one voter set
 * (formation-plan.ts) and each of its members bootstraps it; every other node waits to be added
 * as a learner by the leader's autopilot.
 */
export class Formation implements Startable {
  private timer: NodeJS.Timeout | undefined
  private warned = false
  private busy = false
  private voters: string[] | undefined
  private waiting = ''
  private view = ''
  private viewSince = 0
  private readonly startedAt = Date.now()
  private readonly check = (): void => void this.tryForm()

  constructor(
    private readonly components: FormationComponents,
    private readonly init: FormationInit,
  ) {}

  /** The voter set this node proposes, for its heartbeat; set only once it is stored durably. */
  get proposal(): string[] | undefined {
    return this.voters
  }

  async start(): Promise<void> {
    const { raft } = this.components
    if (!raft.isEmpty) return
    if (this.init.bootstrapExpect === undefined) {
      if (this.init.firstNode) {
        raft.bootstrap([raft.id])
        return
      }
    } else {
      this.voters = await this.components.proposals.read()
    }
    this.timer = setInterval(this.check, this.init.checkIntervalMs ?? 250)
    this.components.events.on('member:alive', this.check)
  }

  stop(): void {
    clearInterval(this.timer)
    this.components.events.off('member:alive', this.check)
  }

  private async tryForm(): Promise<void> {
    if (this.busy) return
    this.busy = true
    try {
      await this.step()
    } catch (err) {
      this.components.logger.error({ err }, 'raft formation failed; retrying')
    } finally {
      this.busy = false
    }
  }

  private async step(): Promise<void> {
    const { raft, logger } = this.components
    if (!raft.isEmpty) return this.stop()
    const members = this.components.members().filter((m) => m.state === 'alive')
    if (members.some((m) => !m.self && m.heartbeat.raft !== undefined && m.heartbeat.raft.empty !== true)) {
      // A cluster already exists here; its leader adds this node (as a voter, if it proposed it).
      return this.warnIfStuck()
    }
    const expect = this.init.bootstrapExpect
    if (expect === undefined) return this.warnIfStuck()
    const candidates = members
      .filter((m) => !m.self && m.heartbeat.bootstrapExpect === expect)
      .map((m) => ({ id: m.heartbeat.peerId, ...(m.heartbeat.raft?.formation !== undefined ? { proposal: m.heartbeat.raft.formation } : {}) }))
    const view = candidates.map((c) => c.id).sort().join(',')
    if (view !== this.view) [this.view, this.viewSince] = [view, Date.now()]
    const plan = planFormation({ self: raft.id, expect, candidates, proposal: this.voters })
    if (plan.kind === 'propose') {
      if (Date.now() - this.viewSince < (this.init.settleMs ?? 1000)) return
      await this.components.proposals.write(plan.voters)
      this.voters = plan.voters
      logger.info({ voters: plan.voters }, `proposing the first voter set of ${expect} nodes`)
    } else if (plan.kind === 'bootstrap') {
      if (raft.bootstrap(plan.voters)) {
        logger.info({ voters: plan.voters.length }, `formed the first voter set with ${expect} nodes`)
        this.stop()
      }
    } else {
      this.waiting = plan.reason
      this.warnIfStuck()
    }
  }

  private warnIfStuck(): void {
    if (this.warned || Date.now() - this.startedAt < (this.init.warnAfterMs ?? 15_000)) return
    const members = this.components.members()
    if (members.some((m) => !m.self && m.heartbeat.raft?.leader !== undefined && m.heartbeat.raft.leader !== '')) return
    this.warned = true
    if (this.voters !== undefined) {
      this.components.logger.warn(
        { proposal: this.voters, waiting: this.waiting },
        'no raft leader yet: the nodes started with --bootstrap-expect do not agree on the first voter set. Start exactly N nodes with ' +
          '--bootstrap-expect N that can all reach each other; to start formation over, stop them and delete DATA_DIR/raft on each.',
      )
      return
    }
    this.components.logger.warn(
      'no raft leader yet and this node has no raft state: start the first node of a new cluster without --join, or start every initial node with the same --bootstrap-expect N',
    )
  }
}
