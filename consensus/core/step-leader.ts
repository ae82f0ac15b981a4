// The leader's step function, after etcd's stepLeader.

import { decodeConfChange, isLeaveJoint } from './conf-change.js'
import { ConfChangeInvalidError, ConfChangePendingError, ProposalDroppedError } from './errors.js'
import type { Progress } from './progress.js'
import type { Raft } from './raft.js'
import { checkConfChange, isVoterIn, maybeStepDownAfterRemoval } from './raft-config.js'
import { bcastAppend, bcastHeartbeat, maybeSendAppend, sendAppend, sendTimeoutNow } from './raft-send.js'
import type { Message } from './types.js'
import { message, NONE } from './types.js'

export function stepLeader(r: Raft, m: Message): void {
  // Message types that need no progress for m.from.
  switch (m.type) {
    case 'beat':
      bcastHeartbeat(r)
      return
    case 'check-quorum':
      // CheckQuorum (thesis §6.2): a leader that has not heard from a quorum for an election
      // timeout may be partitioned away; stepping down lets clients find the real leader and
      // ends its lease for reads.
      if (!r.trk.quorumActive()) {
        r.logger?.warn(`${r.id} stepped down to follower since quorum is not active`)
        r.becomeFollower(r.term, NONE)
      }
      for (const [id, pr] of r.trk.progress) if (id !== r.id) pr.recentActive = false
      return
    case 'prop':
      stepProposal(r, m)
      return
    case 'read-index':
      stepReadIndex(r, m)
      return
    default:
  }

  const pr = r.trk.progress.get(m.from)
  if (pr === undefined) {
    r.logger?.debug(`${r.id} no progress available for ${m.from}`)
    return
  }
  switch (m.type) {
    case 'app-resp':
      handleAppendResponse(r, m, pr)
      return
    case 'heartbeat-resp':
      handleHeartbeatResponse(r, m, pr)
      return
    case 'snap-status':
      if (pr.state !== 'snapshot') return
      if (m.reject) {
        // Forget the snapshot first, or probing would resume from its index.
        pr.pendingSnapshot = 0
      }
      pr.becomeProbe()
      // Success: wait for the follower's app-resp before the next append. Failure: retry after a
      // heartbeat interval.
      pr.msgAppFlowPaused = true
      return
    case 'unreachable':
      // An append to an unreachable follower was probably lost; stop streaming and probe.
      if (pr.state === 'replicate') pr.becomeProbe()
      return
    case 'transfer-leader':
      stepTransferLeader(r, m, pr)
      return
    default:
  }
}

function stepProposal(r: Raft, m: Message): void {
  if (r.leaving) {
    // Removed from (or demoted in) the configuration, or about to be: do not grow a log that the
    // remaining voters must first commit before one of them can take over.
    throw new ProposalDroppedError('not-member', NONE)
  }
  if (r.leadTransferee !== NONE) {
    // Thesis §3.10: stop accepting proposals during a transfer so the target can catch up.
    throw new ProposalDroppedError('leadership-transfer', r.lead)
  }
  let newPendingConfIndex: number | undefined
  let leaving = false
  for (let i = 0; i < m.entries.length; i++) {
    const e = m.entries[i]!
    if (e.type !== 'conf-change') continue
    const cc = decodeConfChange(e.data)
    if (newPendingConfIndex !== undefined || r.pendingConfIndex > r.raftLog.applied) {
      throw new ConfChangePendingError(newPendingConfIndex ?? r.pendingConfIndex, r.raftLog.applied)
    }
    const joint = r.trk.config.voters.outgoing.size > 0
    if (joint && !isLeaveJoint(cc)) throw new ConfChangeInvalidError('must transition out of joint config first')
    if (!joint && isLeaveJoint(cc)) throw new ConfChangeInvalidError('not in joint state; refusing empty conf change')
    if (!isVoterIn(checkConfChange(r, cc), r.id)) leaving = true
    newPendingConfIndex = r.raftLog.lastIndex() + i + 1
  }
  if (!r.appendEntry(m.entries)) throw new ProposalDroppedError('uncommitted-limit', r.lead)
  if (newPendingConfIndex !== undefined) r.pendingConfIndex = newPendingConfIndex
  if (leaving) r.leaving = true
  bcastAppend(r)
}

function stepReadIndex(r: Raft, m: Message): void {
  // Thesis §6.4: a new leader does not know the latest commit index until it commits an entry of
  // its term; answer reads only after that. This holds for a single voter too (etcd answers it
  // at once): its commit index can lag what was committed, when a crash lost an unsynced commit
  // index, or when the entries were committed under an older configuration that counted others.
  if (!r.committedEntryInCurrentTerm()) {
    r.pendingReadIndexMessages.push(m)
    return
  }
  sendReadIndexConfirmation(r, m)
}

/** Queue a read at the current commit index and confirm leadership with a heartbeat round. */
function sendReadIndexConfirmation(r: Raft, m: Message): void {
  if (r.trk.isSingleton()) {
    // A single voter is its own quorum: no round needed.
    respondToReadIndex(r, m, r.raftLog.committed)
    return
  }
  r.readOnly.addRequest(r.raftLog.committed, m)
  r.readOnly.recvAck(r.id, r.readOnly.heartbeatCtx())
  bcastHeartbeat(r)
}

export function releasePendingReadIndexMessages(r: Raft): void {
  if (r.pendingReadIndexMessages.length === 0 || !r.committedEntryInCurrentTerm()) return
  const msgs = r.pendingReadIndexMessages
  r.pendingReadIndexMessages = []
  for (const m of msgs) sendReadIndexConfirmation(r, m)
}

function respondToReadIndex(r: Raft, req: Message, index: number): void {
  if (req.from === NONE || req.from === r.id) {
    r.readStates.push({ index, requestCtx: req.context })
    return
  }
  r.send(message({ type: 'read-index-resp', to: req.from, index, context: req.context }))
}

function handleAppendResponse(r: Raft, m: Message, pr: Progress): void {
  pr.recentActive = true
  if (m.reject) {
    let nextProbe = m.rejectHint
    if (m.logTerm > 0) {
      // The follower has term m.logTerm at rejectHint. Skip every index of our log whose term is
      // above that: it cannot match there (terms only grow along a log), so probe at the last
      // index with term <= m.logTerm. This probes at most once per term in our log.
      nextProbe = r.raftLog.findConflictByTerm(m.rejectHint, m.logTerm).index
    }
    if (pr.maybeDecrTo(m.index, nextProbe)) {
      r.logger?.debug(`${r.id} decreased progress of ${m.from} to [${pr.describe()}]`)
      if (pr.state === 'replicate') pr.becomeProbe()
      sendAppend(r, m.from)
    }
    return
  }
  // Also accept an ack equal to match in probe state: it moves the follower back to replicate.
  if (!(pr.maybeUpdate(m.index) || (pr.match === m.index && pr.state === 'probe'))) return
  if (pr.state === 'probe') {
    pr.becomeReplicate()
  } else if (pr.state === 'snapshot' && pr.match + 1 >= r.raftLog.firstIndex()) {
    // The follower can be served from the log again, whatever snapshot it applied.
    r.logger?.debug(`${r.id} recovered from needing snapshot, resumed replication to ${m.from}`)
    pr.becomeProbe()
    pr.becomeReplicate()
  } else if (pr.state === 'replicate') {
    pr.inflights.freeLE(m.index)
  }

  if (r.maybeCommit()) {
    releasePendingReadIndexMessages(r)
    bcastAppend(r)
    if (maybeStepDownAfterRemoval(r)) return
  } else if (m.from !== r.id && pr.canBumpCommit(r.raftLog.committed)) {
    // The follower may not know the latest commit index yet; tell it before the next heartbeat.
    sendAppend(r, m.from)
  }
  // The window may have opened: send as much as flow control allows.
  if (m.from !== r.id) {
    while (maybeSendAppend(r, m.from, false)) {
      // keep sending
    }
  }
  if (m.from === r.leadTransferee && pr.match === r.raftLog.lastIndex()) {
    r.logger?.info(`${r.id} sent timeout-now to ${m.from}: its log is up to date`)
    sendTimeoutNow(r, m.from)
  }
}

function handleHeartbeatResponse(r: Raft, m: Message, pr: Progress): void {
  pr.recentActive = true
  pr.msgAppFlowPaused = false
  // A heartbeat answer proves the follower is reachable: resume a stalled or probing stream (an
  // empty append lets a caught-up follower in probe state return to replicate).
  if (pr.match < r.raftLog.lastIndex() || pr.state === 'probe') sendAppend(r, m.from)
  if (m.context.length === 0) return
  r.readOnly.recvAck(m.from, m.context)
  for (const rs of r.readOnly.maybeAdvance(r.trk.config.voters)) respondToReadIndex(r, rs.req, rs.index)
}

function stepTransferLeader(r: Raft, m: Message, pr: Progress): void {
  if (pr.isLearner) {
    r.logger?.debug(`${r.id} ignored transferring leadership to learner ${m.from}`)
    return
  }
  const transferee = m.from
  if (r.leadTransferee !== NONE) {
    if (r.leadTransferee === transferee) return
    r.abortLeaderTransfer()
  }
  if (transferee === r.id) return
  r.logger?.info(`${r.id} [term ${r.term}] starts to transfer leadership to ${transferee}`)
  // The transfer must finish within an election timeout (checked in tickHeartbeat).
  r.electionElapsed = 0
  r.leadTransferee = transferee
  if (pr.match === r.raftLog.lastIndex()) {
    sendTimeoutNow(r, transferee)
  } else {
    sendAppend(r, transferee)
  }
}
