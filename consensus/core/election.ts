// Elections (Raft §5.2, thesis §9.6 pre-vote) and the timers that start them: functions over the
// Raft state, called from its step function and installed as its tick function.

import type { VoteResult } from './quorum.js'
import type { Raft } from './raft.js'
import type { Message, MessageType, NodeId } from './types.js'
import { EMPTY_BYTES, message, NONE } from './types.js'

export type CampaignType = 'pre-election' | 'election' | 'transfer'

/** Vote-request context marking a leadership transfer: it must not be ignored for the lease. */
export const TRANSFER_CONTEXT: Uint8Array = new TextEncoder().encode('transfer')

export function isTransferContext(ctx: Uint8Array): boolean {
  if (ctx.length !== TRANSFER_CONTEXT.length) return false
  for (let i = 0; i < ctx.length; i++) if (ctx[i] !== TRANSFER_CONTEXT[i]) return false
  return true
}

export function voteRespType(t: MessageType): MessageType {
  return t === 'vote' ? 'vote-resp' : 'pre-vote-resp'
}

/** Whether `r` may campaign: a voter with no snapshot waiting to be applied. */
export function promotable(r: Raft): boolean {
  const pr = r.trk.progress.get(r.id)
  return pr !== undefined && !pr.isLearner && !r.raftLog.hasNextOrInProgressSnapshot()
}

export function hup(r: Raft, t: CampaignType): void {
  if (r.role === 'leader') return
  if (!promotable(r)) {
    r.logger?.debug(`${r.id} is unpromotable and cannot campaign`)
    return
  }
  if (hasUnappliedConfChanges(r)) {
    // Our configuration may be about to change; campaigning with the old one could elect a
    // leader the new configuration would not.
    r.logger?.warn(`${r.id} cannot campaign at term ${r.term}: conf changes are committed but not applied`)
    return
  }
  r.logger?.info(`${r.id} is starting a new election at term ${r.term}`)
  campaign(r, t)
}

function hasUnappliedConfChanges(r: Raft): boolean {
  const log = r.raftLog
  if (log.applied >= log.committed) return false
  for (let lo = log.applied + 1; lo <= log.committed; ) {
    const page = log.slice(lo, log.committed + 1, 1 << 20)
    for (const e of page) if (e.type === 'conf-change') return true
    lo += page.length
  }
  return false
}

export function campaign(r: Raft, t: CampaignType): void {
  let term: number
  let voteType: MessageType
  if (t === 'pre-election') {
    r.becomePreCandidate()
    voteType = 'pre-vote'
    // Pre-votes are asked for the term we would campaign in; our own term stays.
    term = r.term + 1
  } else {
    r.becomeCandidate()
    voteType = 'vote'
    term = r.term
  }
  const lastIndex = r.raftLog.lastIndex()
  const lastTerm = r.raftLog.lastTerm()
  for (const id of r.trk.voterNodes()) {
    if (id === r.id) {
      // Our own vote counts once it is persisted: it is stepped back to us in advance().
      r.send(message({ type: voteRespType(voteType), to: id, term }))
      continue
    }
    r.send(message({ type: voteType, to: id, term, index: lastIndex, logTerm: lastTerm, context: t === 'transfer' ? TRANSFER_CONTEXT : EMPTY_BYTES }))
  }
}

export function poll(r: Raft, id: NodeId, granted: boolean): { granted: number; rejected: number; result: VoteResult } {
  r.trk.recordVote(id, granted)
  return r.trk.tallyVotes()
}

/** A vote or pre-vote request at our term or a newer one (Raft.step has handled the term). */
export function handleVote(r: Raft, m: Message): void {
  const canVote =
    // a repeat of the vote we cast,
    r.vote === m.from ||
    // or we have not voted and know no leader in this term,
    (r.vote === NONE && r.lead === NONE) ||
    // or a pre-vote for a future term.
    (m.type === 'pre-vote' && m.term > r.term)
  if (canVote && r.raftLog.isUpToDate(m.index, m.logTerm)) {
    // Learners vote too: a learner may have been promoted by an entry it has not received yet,
    // and the candidate may need it for its majority (etcd raft.go, MsgVote).
    r.logger?.debug(`${r.id} cast ${m.type} for ${m.from} at term ${m.term}`)
    // Answer with the message's term: for a pre-vote ours may be lower and the answer would be
    // ignored as stale.
    r.send(message({ type: voteRespType(m.type), to: m.from, term: m.term }))
    if (m.type === 'vote') {
      r.electionElapsed = 0
      r.vote = m.from
    }
  } else {
    r.logger?.debug(`${r.id} rejected ${m.type} from ${m.from} at term ${m.term}`)
    r.send(message({ type: voteRespType(m.type), to: m.from, term: r.term, reject: true }))
  }
}

/** Followers and candidates: campaign when no leader was heard from for an election timeout. */
export function tickElection(r: Raft): void {
  r.electionElapsed++
  if (promotable(r) && r.pastElectionTimeout()) {
    r.electionElapsed = 0
    r.step(message({ type: 'hup', from: r.id }))
  }
}

/** Leaders: heartbeat every heartbeatTimeout; every electionTimeout check the quorum. */
export function tickHeartbeat(r: Raft): void {
  r.heartbeatElapsed++
  r.electionElapsed++
  if (r.electionElapsed >= r.electionTimeout) {
    r.electionElapsed = 0
    if (r.checkQuorum) r.step(message({ type: 'check-quorum', from: r.id }))
    // A transfer that did not finish within an election timeout is abandoned (thesis §3.10).
    if (r.role === 'leader' && r.leadTransferee !== NONE) {
      r.abortLeaderTransfer()
      r.maybeAutoLeave()
    }
  }
  if (r.role !== 'leader') return
  if (r.heartbeatElapsed >= r.heartbeatTimeout) {
    r.heartbeatElapsed = 0
    r.step(message({ type: 'beat', from: r.id }))
  }
}
