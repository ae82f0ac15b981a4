// Leader-side replication: appends, snapshots and heartbeats, driven by each follower's Progress.

import type { Progress } from './progress.js'
import type { Raft } from './raft.js'
import { payloadSize } from './raft-log.js'
import type { Entry, NodeId } from './types.js'
import { message } from './types.js'

/** Send an append (possibly empty, to carry the commit index) to `to`. */
export function sendAppend(r: Raft, to: NodeId): void {
  maybeSendAppend(r, to, true)
}

/**
 * Send an append with the entries `to` is missing, unless its progress is paused. With
 * `sendIfEmpty` false nothing is sent when there are no entries. True if a message was sent.
 */
export function maybeSendAppend(r: Raft, to: NodeId, sendIfEmpty: boolean): boolean {
  const pr = r.trk.progress.get(to)
  if (pr === undefined || pr.isPaused()) return false
  const prevIndex = pr.next - 1
  const prevTerm = r.raftLog.term(prevIndex)
  if (prevTerm === undefined) {
    // The entries the follower needs were compacted away: only a snapshot can catch it up.
    return maybeSendSnapshot(r, to, pr)
  }
  let ents: Entry[] = []
  // A throttled replicate stream still sends empty appends so that lost messages cannot stall it
  // forever: the answer (ack or reject) frees the inflights window.
  if (pr.state !== 'replicate' || !pr.inflights.full()) ents = r.raftLog.entriesFrom(pr.next, r.maxMsgSize)
  if (ents.length === 0 && !sendIfEmpty) return false
  const commit = r.raftLog.committed
  r.send(message({ type: 'app', to, index: prevIndex, logTerm: prevTerm, entries: ents, commit }))
  pr.sentEntries(ents.length, payloadSize(ents))
  pr.recordSentCommit(commit)
  return true
}

function maybeSendSnapshot(r: Raft, to: NodeId, pr: Progress): boolean {
  // Snapshots are large: do not send one to a follower we have not heard from lately.
  if (!pr.recentActive) {
    r.logger?.debug(`${r.id} not sending snapshot to ${to}: not recently active`)
    return false
  }
  const snapshot = r.raftLog.snapshot()
  if (snapshot.metadata.index === 0) {
    // Nothing compacted yet, so the follower should have been served from the log.
    r.logger?.warn(`${r.id} needs to send ${to} a snapshot but has none`)
    return false
  }
  r.logger?.debug(`${r.id} [first ${r.raftLog.firstIndex()}, commit ${r.raftLog.committed}] sent snapshot ${snapshot.metadata.index}/${snapshot.metadata.term} to ${to}`)
  pr.becomeSnapshot(snapshot.metadata.index)
  r.send(message({ type: 'snap', to, snapshot }))
  return true
}

export function sendHeartbeat(r: Raft, to: NodeId, ctx: Uint8Array): void {
  const pr = r.trk.progress.get(to)
  if (pr === undefined) return
  // Never let a follower commit past what it is known to hold: its log beyond `match` may still
  // be a stale leader's.
  const commit = Math.min(pr.match, r.raftLog.committed)
  r.send(message({ type: 'heartbeat', to, commit, context: ctx }))
  pr.recordSentCommit(commit)
}

export function bcastAppend(r: Raft): void {
  for (const id of r.trk.progress.keys()) if (id !== r.id) sendAppend(r, id)
}

export function bcastHeartbeat(r: Raft, ctx: Uint8Array = r.readOnly.heartbeatCtx()): void {
  for (const id of r.trk.progress.keys()) if (id !== r.id) sendHeartbeat(r, id, ctx)
}

export function sendTimeoutNow(r: Raft, to: NodeId): void {
  r.send(message({ type: 'timeout-now', to }))
}
