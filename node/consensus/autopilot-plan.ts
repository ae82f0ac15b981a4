import type { ConfChangeType } from '../../consensus/core/conf-change.js'
import type { MemberState } from '../membership/member-table.js'

export interface AutopilotMember {
  id: string
  state: MemberState
  /** Local clock (ms) of the member's last state change. */
  since: number
}

export interface AutopilotInput {
  self: string
  members: AutopilotMember[]
  voters: string[]
  learners: string[]
  /** A joint configuration is being left; never stack another change on it. */
  joint: boolean
  /** The leader's view of each member's replication. */
  progress: Record<string, { match: number }>
  commit: number
  now: number
  /**
   * When this leader first found each voter or learner that has no member record: membership
   * forgets a member that stays down (after `forgetMs`), and a leader elected since may never
   * have heard from a dead one. Such a node counts as down from then on; one missing here counts
   * as just noticed, so it gets the whole window to show up.
   */
  unknownSince: Record<string, number>
}

export interface AutopilotOptions {
  /** 1, 3 or 5. */
  maxVoters: number
  /** A voter or learner down this long is replaced or removed. */
  replaceAfterMs: number
  /** A learner this many entries behind the commit index is not promoted yet. */
  maxLag: number
}

export interface AutopilotAction {
  type: ConfChangeType
  nodeId: string
  reason: string
}

/** The largest odd voter count (1, 3, 5) that `members` nodes can fill, capped by `max`. */
export function desiredVoters(members: number, max: number): number {
  const n = Math.max(1, Math.min(members, max))
  return n % 2 === 1 ? n : n - 1
}

/**
 * One membership change at a time, or none, after Consul/Nomad's autopilot. The rules, in order:
 * drop members that left; add new live members as learners; promote caught-up learners up to the
 * desired voter count; replace a voter that has been down for the window by promoting a learner
 * first and removing the dead voter after; trim excess voters; drop learners that stayed down.
 * Every voter change is checked to leave a quorum of healthy voters, so autopilot never breaks
 * the cluster it is tending.
 */
export function planAutopilot(input: AutopilotInput, options: AutopilotOptions): AutopilotAction | undefined {
  if (input.joint) return undefined
  const byId = new Map(input.members.map((m) => [m.id, m]))
  const voters = new Set(input.voters)
  const learners = new Set(input.learners)
  const sorted = (ids: Iterable<string>): string[] => [...ids].sort()
  const stateOf = (id: string): MemberState | undefined => byId.get(id)?.state
  const caughtUp = (id: string): boolean => id === input.self || (input.progress[id]?.match ?? 0) >= input.commit - options.maxLag
  const healthy = (id: string): boolean => stateOf(id) === 'alive' && caughtUp(id)
  const downFor = (id: string): number => {
    const m = byId.get(id)
    if (m === undefined) {
      const since = input.unknownSince[id]
      return since === undefined ? 0 : input.now - since
    }
    if (m.state === 'alive' || m.state === 'suspect') return 0
    return m.state === 'left' ? Infinity : input.now - m.since
  }
  const quorumSafe = (next: Set<string>): boolean => {
    const ok = [...next].filter(healthy).length
    return next.size > 0 && ok >= Math.floor(next.size / 2) + 1
  }
  const without = (set: Set<string>, id: string): Set<string> => new Set([...set].filter((x) => x !== id))

  // 1. Members that left gracefully are gone for good.
  for (const id of sorted([...learners, ...voters])) {
    if (id === input.self || stateOf(id) !== 'left') continue
    if (learners.has(id)) return { type: 'remove-node', nodeId: id, reason: 'member left the cluster' }
    if (quorumSafe(without(voters, id))) return { type: 'remove-node', nodeId: id, reason: 'voter left the cluster' }
  }
  // 2. New live members receive the log as learners.
  for (const m of [...input.members].sort((a, b) => (a.id < b.id ? -1 : 1))) {
    if (m.state === 'alive' && !voters.has(m.id) && !learners.has(m.id)) return { type: 'add-learner', nodeId: m.id, reason: 'new member' }
  }
  const present = input.members.filter((m) => m.state !== 'left').length
  const target = desiredVoters(present, options.maxVoters)
  const promotable = sorted(learners).filter(healthy)
  // 3. Grow the voter set as the cluster grows.
  if (voters.size < target && promotable.length > 0) return { type: 'add-node', nodeId: promotable[0]!, reason: `voter set below ${target}` }
  // 4. Replace a voter that stayed down: promote first, so the quorum never shrinks below safety.
  const deadVoters = sorted(voters).filter((id) => id !== input.self && downFor(id) >= options.replaceAfterMs)
  if (deadVoters.length > 0 && voters.size <= target && promotable.length > 0) {
    return { type: 'add-node', nodeId: promotable[0]!, reason: `replacing voter ${deadVoters[0]} that is down` }
  }
  // 5. Trim voters above the target: dead ones are removed, live ones become learners.
  if (voters.size > target) {
    for (const id of deadVoters) {
      if (quorumSafe(without(voters, id))) return { type: 'remove-node', nodeId: id, reason: 'removing a dead voter' }
    }
    const live = sorted(voters)
      .filter((id) => id !== input.self && downFor(id) < options.replaceAfterMs)
      .sort((a, b) => (input.progress[a]?.match ?? 0) - (input.progress[b]?.match ?? 0))
    for (const id of live) {
      if (quorumSafe(without(voters, id))) return { type: 'add-learner', nodeId: id, reason: `voter set above ${target}` }
    }
  }
  // 6. Learners that stayed down only cost the leader messages.
  for (const id of sorted(learners)) {
    if (downFor(id) >= options.replaceAfterMs) return { type: 'remove-node', nodeId: id, reason: 'learner is down' }
  }
  return undefined
}
