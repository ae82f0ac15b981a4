// Majority and joint quorums, after etcd's quorum package. A joint configuration (Raft thesis
// §4.3) needs a majority of the incoming AND of the outgoing voters for every decision.

import type { NodeId } from './types.js'

export type VoteResult = 'pending' | 'lost' | 'won'

/** The index acknowledged by a voter, or undefined when it has acknowledged nothing. */
export type AckedIndex = (id: NodeId) => number | undefined

/**
 * The largest index acknowledged by a majority of `voters`. An empty config returns Infinity so
 * that it never restricts a joint config (min of both halves).
 */
export function majorityCommittedIndex(voters: ReadonlySet<NodeId>, acked: AckedIndex): number {
  const n = voters.size
  if (n === 0) return Infinity
  const indexes: number[] = []
  for (const id of voters) indexes.push(acked(id) ?? 0)
  indexes.sort((a, b) => a - b)
  // The (n/2+1)-th largest index is on a majority.
  return indexes[n - (Math.floor(n / 2) + 1)]!
}

/** Won once a majority granted, lost once a majority can no longer be reached. */
export function majorityVoteResult(voters: ReadonlySet<NodeId>, votes: ReadonlyMap<NodeId, boolean>): VoteResult {
  // An empty config wins every vote, so that a joint config is decided by its other half.
  if (voters.size === 0) return 'won'
  let granted = 0
  let missing = 0
  for (const id of voters) {
    const v = votes.get(id)
    if (v === undefined) missing++
    else if (v) granted++
  }
  const q = Math.floor(voters.size / 2) + 1
  if (granted >= q) return 'won'
  if (granted + missing >= q) return 'pending'
  return 'lost'
}

/** Voters of a possibly joint configuration; `outgoing` is empty unless joint. */
export interface JointConfig {
  readonly incoming: ReadonlySet<NodeId>
  readonly outgoing: ReadonlySet<NodeId>
}

export function jointCommittedIndex(c: JointConfig, acked: AckedIndex): number {
  return Math.min(majorityCommittedIndex(c.incoming, acked), majorityCommittedIndex(c.outgoing, acked))
}

export function jointVoteResult(c: JointConfig, votes: ReadonlyMap<NodeId, boolean>): VoteResult {
  const a = majorityVoteResult(c.incoming, votes)
  const b = majorityVoteResult(c.outgoing, votes)
  if (a === b) return a
  if (a === 'lost' || b === 'lost') return 'lost'
  return 'pending'
}

/** Every voter of either half, sorted so that callers iterate deterministically. */
export function jointIds(c: JointConfig): NodeId[] {
  return [...new Set([...c.incoming, ...c.outgoing])].sort()
}

export function isJoint(c: JointConfig): boolean {
  return c.outgoing.size > 0
}

export function describeJoint(c: JointConfig): string {
  const one = (s: ReadonlySet<NodeId>): string => `(${[...s].sort().join(' ')})`
  return isJoint(c) ? `${one(c.incoming)}&&${one(c.outgoing)}` : one(c.incoming)
}
