// Step functions of followers and (pre-)candidates, and the follower side of replication.

import { campaign, hup, poll } from './election.js'
import { ProposalDroppedError, ReadIndexDroppedError } from './errors.js'
import type { Raft } from './raft.js'
import { restoreSnapshot } from './raft-config.js'
import type { Message } from './types.js'
import { message, NONE } from './types.js'
import { bcastAppend } from './raft-send.js'

export function stepFollower(r: Raft, m: Message): void {
  switch (m.type) {
    case 'prop':
      if (r.lead === NONE) throw new ProposalDroppedError('no-leader', NONE)
      if (r.disableProposalForwarding) throw new ProposalDroppedError('forwarding-disabled', r.lead)
      r.send({ ...m, to: r.lead })
      return
    case 'app':
      r.electionElapsed = 0
      r.lead = m.from
      handleAppendEntries(r, m)
      return
    case 'heartbeat':
      r.electionElapsed = 0
      r.lead = m.from
      handleHeartbeat(r, m)
      return
    case 'snap':
      r.electionElapsed = 0
      r.lead = m.from
      handleSnapshot(r, m)
      return
    case 'transfer-leader':
      if (r.lead === NONE) {
        r.logger?.debug(`${r.id} no leader at term ${r.term}; dropping leader transfer`)
        return
      }
      // Keep `from` (the transferee); the term is re-stamped as ours.
      r.send({ ...m, to: r.lead, term: 0 })
      return
    case 'timeout-now':
      // The leader asks us to campaign now (thesis §3.10). Skip pre-vote: the leader vouches for
      // us, and the transfer context lets voters ignore their leader lease.
      r.logger?.info(`${r.id} [term ${r.term}] received timeout-now from ${m.from}; campaigning`)
      hup(r, 'transfer')
      return
    case 'read-index':
      if (r.lead === NONE) {
        if (m.from === NONE || m.from === r.id) throw new ReadIndexDroppedError()
        return
      }
      r.send({ ...m, to: r.lead })
      return
    case 'read-index-resp':
      r.readStates.push({ index: m.index, requestCtx: m.context })
      return
    default:
      return
  }
}

/** Shared by candidates and pre-candidates; they differ in which vote answers count. */
export function stepCandidate(r: Raft, m: Message): void {
  // A candidate may still receive pre-vote answers of its pre-candidacy in this term.
  const myVoteResp = r.role === 'pre-candidate' ? 'pre-vote-resp' : 'vote-resp'
  switch (m.type) {
    case 'prop':
      throw new ProposalDroppedError('no-leader', NONE)
    case 'read-index':
      if (m.from === NONE || m.from === r.id) throw new ReadIndexDroppedError()
      return
    case 'app':
      // A leader exists in our term (m.term === r.term): follow it.
      r.becomeFollower(m.term, m.from)
      handleAppendEntries(r, m)
      return
    case 'heartbeat':
      r.becomeFollower(m.term, m.from)
      handleHeartbeat(r, m)
      return
    case 'snap':
      r.becomeFollower(m.term, m.from)
      handleSnapshot(r, m)
      return
    case myVoteResp: {
      const { granted, rejected, result } = poll(r, m.from, !m.reject)
      r.logger?.debug(`${r.id} has received ${granted} ${m.type} votes and ${rejected} rejections`)
      if (result === 'won') {
        if (r.role === 'pre-candidate') {
          campaign(r, 'election')
        } else {
          r.becomeLeader()
          bcastAppend(r)
        }
      } else if (result === 'lost') {
        // A rejected pre-vote may carry a higher term; we keep ours (see Raft.step).
        r.becomeFollower(r.term, NONE)
      }
      return
    }
    default:
      return
  }
}

function handleAppendEntries(r: Raft, m: Message): void {
  if (m.index < r.raftLog.committed) {
    // Everything up to our commit index matches the leader by Raft's safety; tell it where we are.
    r.send(message({ type: 'app-resp', to: m.from, index: r.raftLog.committed }))
    return
  }
  const last = r.raftLog.maybeAppend(m.index, m.logTerm, m.commit, m.entries)
  if (last !== undefined) {
    r.send(message({ type: 'app-resp', to: m.from, index: last }))
    return
  }
  // Mismatch at m.index. Hint the largest (index, term) with index <= m.index and term <=
  // m.logTerm: entries above it have higher terms than the leader's entry at m.index and so
  // cannot match the leader's log there (fast backtracking, see findConflictByTerm).
  const hint = r.raftLog.findConflictByTerm(Math.min(m.index, r.raftLog.lastIndex()), m.logTerm)
  r.logger?.debug(`${r.id} rejected app [${m.logTerm}/${m.index}] from ${m.from}; hint ${hint.term}/${hint.index}`)
  r.send(message({ type: 'app-resp', to: m.from, index: m.index, reject: true, rejectHint: hint.index, logTerm: hint.term }))
}

function handleHeartbeat(r: Raft, m: Message): void {
  r.raftLog.commitTo(m.commit)
  r.send(message({ type: 'heartbeat-resp', to: m.from, context: m.context }))
}

function handleSnapshot(r: Raft, m: Message): void {
  const s = m.snapshot
  if (s === undefined) return
  if (restoreSnapshot(r, s)) {
    r.send(message({ type: 'app-resp', to: m.from, index: r.raftLog.lastIndex() }))
  } else {
    r.send(message({ type: 'app-resp', to: m.from, index: r.raftLog.committed }))
  }
}
