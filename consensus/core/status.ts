// A snapshot of a node's Raft state for status pages, logs and tests.

import type { ProgressState } from './progress.js'
import type { Raft } from './raft.js'
import type { Role } from './ready.js'
import type { NodeId } from './types.js'

export interface ProgressStatus {
  match: number
  next: number
  state: ProgressState
  isLearner: boolean
  recentActive: boolean
  paused: boolean
  pendingSnapshot: number
  inflight: number
}

/** The cheap part of the status: no configuration or progress copies. */
export interface BasicStatus {
  id: NodeId
  role: Role
  term: number
  vote: NodeId
  lead: NodeId
  commit: number
  applied: number
  leadTransferee: NodeId
}

export interface RaftStatus extends BasicStatus {
  /** Voters of the (incoming) configuration. */
  voters: NodeId[]
  /** Voters of the outgoing configuration while joint; empty otherwise. */
  votersOutgoing: NodeId[]
  learners: NodeId[]
  learnersNext: NodeId[]
  autoLeave: boolean
  /** Per-member replication state; only on the leader. */
  progress?: Record<NodeId, ProgressStatus>
}

export function basicStatus(r: Raft): BasicStatus {
  return {
    id: r.id,
    role: r.role,
    term: r.term,
    vote: r.vote,
    lead: r.lead,
    commit: r.raftLog.committed,
    applied: r.raftLog.applied,
    leadTransferee: r.leadTransferee,
  }
}

export function raftStatus(r: Raft): RaftStatus {
  const cs = r.trk.confState()
  const s: RaftStatus = {
    ...basicStatus(r),
    voters: cs.voters,
    votersOutgoing: cs.votersOutgoing,
    learners: cs.learners,
    learnersNext: cs.learnersNext,
    autoLeave: cs.autoLeave,
  }
  if (r.role === 'leader') {
    const progress: Record<NodeId, ProgressStatus> = {}
    for (const [id, pr] of r.trk.progress) {
      progress[id] = {
        match: pr.match,
        next: pr.next,
        state: pr.state,
        isLearner: pr.isLearner,
        recentActive: pr.recentActive,
        paused: pr.isPaused(),
        pendingSnapshot: pr.pendingSnapshot,
        inflight: pr.inflights.count(),
      }
    }
    s.progress = progress
  }
  return s
}
