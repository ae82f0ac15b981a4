// The active configuration and the leader's view of every member, after etcd's tracker package.

import { Inflights } from './inflights.js'
import type { Progress } from './progress.js'
import type { JointConfig, VoteResult } from './quorum.js'
import { describeJoint, jointCommittedIndex, jointIds, jointVoteResult } from './quorum.js'
import type { ConfState, NodeId } from './types.js'

export interface TrackerConfig {
  voters: JointConfig
  /** Learners; never overlaps either half of `voters`. */
  learners: ReadonlySet<NodeId>
  /**
   * Voters of the outgoing config that the incoming config makes learners. They cannot be in
   * `learners` yet (a node is a voter or a learner, not both), so they wait here until the
   * joint config is left (etcd's LearnersNext).
   */
  learnersNext: ReadonlySet<NodeId>
  autoLeave: boolean
}

export function emptyTrackerConfig(): TrackerConfig {
  return { voters: { incoming: new Set(), outgoing: new Set() }, learners: new Set(), learnersNext: new Set() , autoLeave: false }
}

export function describeTrackerConfig(c: TrackerConfig): string {
  let s = `voters=${describeJoint(c.voters)}`
  if (c.learners.size > 0) s += ` learners=(${[...c.learners].sort().join(' ')})`
  if (c.learnersNext.size > 0) s += ` learners_next=(${[...c.learnersNext].sort().join(' ')})`
  if (c.autoLeave) s += ' autoleave'
  return s
}

/** Progress per member, iterated in id order so that message order is deterministic. */
export type ProgressMap = Map<NodeId, Progress>

export class ProgressTracker {
  config: TrackerConfig = emptyTrackerConfig()
  progress: ProgressMap = new Map()
  votes = new Map<NodeId, boolean>()

  constructor(
    readonly maxInflight: number,
    readonly maxInflightBytes: number,
  ) {}

  newInflights(): Inflights {
    return new Inflights(this.maxInflight, this.maxInflightBytes)
  }

  confState(): ConfState {
    const c = this.config
    return {
      voters: [...c.voters.incoming].sort(),
      votersOutgoing: [...c.voters.outgoing].sort(),
      learners: [...c.learners].sort(),
      learnersNext: [...c.learnersNext].sort(),
      autoLeave: c.autoLeave,
    }
  }

  /** A single voter and no joint config: that voter decides alone. */
  isSingleton(): boolean {
    return this.config.voters.incoming.size === 1 && this.config.voters.outgoing.size === 0
  }

  /** The largest index replicated on a quorum (of both halves when joint). */
  committed(): number {
    const idx = jointCommittedIndex(this.config.voters, (id) => this.progress.get(id)?.match)
    return idx === Infinity ? 0 : idx
  }

  visit(f: (id: NodeId, pr: Progress) => void): void {
    for (const [id, pr] of this.progress) f(id, pr)
  }

  /** Whether a quorum was heard from since the last CheckQuorum. */
  quorumActive(): boolean {
    const active = new Map<NodeId, boolean>()
    for (const [id, pr] of this.progress) if (!pr.isLearner) active.set(id, pr.recentActive)
    return jointVoteResult(this.config.voters, active) === 'won'
  }

  voterNodes(): NodeId[] {
    return jointIds(this.config.voters)
  }

  learnerNodes(): NodeId[] {
    return [...this.config.learners].sort()
  }

  resetVotes(): void {
    this.votes = new Map()
  }

  /** The first answer of a voter counts; a duplicate cannot flip it. */
  recordVote(id: NodeId, granted: boolean): void {
    if (!this.votes.has(id)) this.votes.set(id, granted)
  }

  tallyVotes(): { granted: number; rejected: number; result: VoteResult } {
    let granted = 0
    let rejected = 0
    for (const [id, pr] of this.progress) {
      if (pr.isLearner) continue
      const v = this.votes.get(id)
      if (v === undefined) continue
      if (v) granted++
      else rejected++
    }
    return { granted, rejected, result: jointVoteResult(this.config.voters, this.votes) }
  }
}
