import type { RaftNode } from '../../consensus/driver/raft-node.js'
import type { Startable } from '../../lib/startable.js'
import type { AgentEventBus } from '../events.js'
import type { Logger } from '../logger.js'
import type { Member } from '../membership/member-table.js'
import type { AutopilotOptions } from './autopilot-plan.js'
import { planAutopilot } from './autopilot-plan.js'

export interface AutopilotComponents {
  raft: Pick<RaftNode, 'id' | 'isReadyLeader' | 'status' | 'proposeConfChange'>
  members: () => Member[]
  events: AgentEventBus
  logger: Logger
}

export interface AutopilotInit extends Partial<AutopilotOptions> {
  intervalMs?: number
  now?: () => number
}

/** Runs the autopilot plan on the leader: one configuration change at a time, until stable. */
export class Autopilot implements Startable {
  private timer: NodeJS.Timeout | undefined
  private busy = false
  /** Configuration members with no member record, by when this leader first noticed. */
  private readonly unknownSince = new Map<string, number>()
  private readonly options: AutopilotOptions
  private readonly now: () => number
  private readonly soon = (): void => void this.run()

  constructor(
    private readonly components: AutopilotComponents,
    private readonly init: AutopilotInit = {},
  ) {
    this.options = { maxVoters: init.maxVoters ?? 5, replaceAfterMs: init.replaceAfterMs ?? 20_000, maxLag: init.maxLag ?? 1000 }
    this.now = init.now ?? Date.now
  }

  start(): void {
    this.timer = setInterval(() => void this.run(), this.init.intervalMs ?? 500)
    for (const e of ['member:alive', 'member:down', 'member:left'] as const) this.components.events.on(e, this.soon)
  }

  stop(): void {
    clearInterval(this.timer)
    for (const e of ['member:alive', 'member:down', 'member:left'] as const) this.components.events.off(e, this.soon)
  }

  async run(): Promise<void> {
    const { raft, logger } = this.components
    if (!raft.isReadyLeader) {
      // The next term's leader starts its own count: it may have heard from members this one did not.
      this.unknownSince.clear()
      return
    }
    if (this.busy) return
    this.busy = true
    try {
      const st = raft.status()
      const now = this.now()
      const members = this.components.members().map((m) => ({ id: m.heartbeat.peerId, state: m.state, since: m.since }))
      this.trackUnknown([...st.voters, ...st.learners], new Set(members.map((m) => m.id)), now)
      const action = planAutopilot(
        {
          self: raft.id,
          members,
          voters: st.voters,
          learners: st.learners,
          joint: st.votersOutgoing.length > 0,
          progress: st.progress ?? {},
          commit: st.commit,
          now,
          unknownSince: Object.fromEntries(this.unknownSince),
        },
        this.options,
      )
      if (action === undefined) return
      const name = this.components.members().find((m) => m.heartbeat.peerId === action.nodeId)?.heartbeat.name ?? action.nodeId
      logger.info({ change: action.type, member: name, reason: action.reason }, 'autopilot changes the raft configuration')
      await raft.proposeConfChange({ transition: 'auto', changes: [{ type: action.type, nodeId: action.nodeId }] })
    } catch (err) {
      logger.debug({ err }, 'autopilot change did not apply; retrying later')
    } finally {
      this.busy = false
    }
  }

  private trackUnknown(config: string[], known: Set<string>, now: number): void {
    const missing = new Set(config.filter((id) => !known.has(id)))
    for (const id of this.unknownSince.keys()) if (!missing.has(id)) this.unknownSince.delete(id)
    for (const id of missing) if (!this.unknownSince.has(id)) this.unknownSince.set(id, now)
  }
}
