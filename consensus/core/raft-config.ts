// Switching the active configuration: from a ConfState at startup or in a snapshot, and when a
// conf-change entry is applied.

import type { ConfChange } from './conf-change.js'
import { decodeConfChange } from './conf-change.js'
import type { ChangeResult } from './conf-changer.js'
import { ConfChanger, restoreConfig } from './conf-changer.js'
import { ConfChangeDecodeError, ConfChangeInvalidError, RaftInvariantError } from './errors.js'
import { describeTrackerConfig } from './progress-tracker.js'
import type { Raft } from './raft.js'
import { bcastAppend, maybeSendAppend, sendTimeoutNow } from './raft-send.js'
import type { ConfState, Snapshot } from './types.js'
import { NONE } from './types.js'

/** Install the configuration a ConfState describes (startup and snapshot restore). */
export function restoreConfState(r: Raft, cs: ConfState): void {
  let result: ChangeResult
  try {
    result = restoreConfig(() => r.trk.newInflights(), r.raftLog.lastIndex(), cs)
  } catch (err) {
    throw new RaftInvariantError(`unable to restore config ${JSON.stringify(cs)}: ${(err as Error).message}`)
  }
  switchToConfig(r, result)
}

/**
 * Validate `cc` against the current configuration without applying it. The leader checks this at
 * proposal time: with one change in flight at a time, the current config is exactly the one the
 * change will be applied to, so a change that passes here applies cleanly on every node.
 */
export function checkConfChange(r: Raft, cc: ConfChange): ChangeResult {
  return new ConfChanger(r.trk, r.raftLog.lastIndex()).apply(cc)
}

export function isVoterIn(result: ChangeResult, id: string): boolean {
  return result.config.voters.incoming.has(id) || result.config.voters.outgoing.has(id)
}

/**
 * Whether this node is still a voter once the conf changes in its log beyond the applied index
 * take effect. A new leader checks this: if a change it inherited removes or demotes it, it must
 * not grow its log (see maybeStepDownAfterRemoval). Evaluated on a scratch copy, entry by entry,
 * exactly as applying would (invalid changes are skipped alike).
 */
export function voterAfterPendingChanges(r: Raft): boolean {
  const log = r.raftLog
  let current: ChangeResult = { config: r.trk.config, progress: r.trk.progress }
  let changed = false
  for (let lo = log.applied + 1; lo <= log.lastIndex(); ) {
    const page = log.slice(lo, log.lastIndex() + 1, 1 << 20)
    for (const e of page) {
      if (e.type !== 'conf-change') continue
      try {
        current = new ConfChanger({ ...current, newInflights: () => r.trk.newInflights() }, log.lastIndex()).apply(decodeConfChange(e.data))
        changed = true
      } catch (err) {
        if (!(err instanceof ConfChangeInvalidError || err instanceof ConfChangeDecodeError)) throw err
      }
    }
    lo += page.length
  }
  return !changed || isVoterIn(current, r.id)
}

/**
 * Apply a committed conf change and return the new ConfState. A change that is invalid for the
 * current configuration leaves it unchanged: every node evaluates the same entry against the same
 * configuration, so they all skip it alike.
 */
export function applyConfChangeToRaft(r: Raft, cc: ConfChange): ConfState {
  let result: ChangeResult
  try {
    result = new ConfChanger(r.trk, r.raftLog.lastIndex()).apply(cc)
  } catch (err) {
    if (!(err instanceof ConfChangeInvalidError)) throw err
    r.logger?.warn(`${r.id} skipped invalid conf change: ${err.message}`)
    return r.trk.confState()
  }
  return switchToConfig(r, result)
}

export function switchToConfig(r: Raft, result: ChangeResult): ConfState {
  r.trk.config = result.config
  r.trk.progress = result.progress
  r.logger?.info(`${r.id} switched to configuration ${describeTrackerConfig(r.trk.config)}`)
  const cs = r.trk.confState()
  const pr = r.trk.progress.get(r.id)
  r.isLearner = pr !== undefined && pr.isLearner

  if ((pr === undefined || r.isLearner) && r.role === 'leader') {
    // A leader removed from (or demoted in) the configuration must stop leading a group that no
    // longer counts it. Unlike etcd it does not step down at once: see maybeStepDownAfterRemoval.
    r.leaving = true
    if (maybeStepDownAfterRemoval(r)) return cs
  }
  if (r.role !== 'leader' || cs.voters.length === 0) return cs

  // The quorum changed, so more entries may be committed now.
  if (r.maybeCommit()) {
    bcastAppend(r)
  } else {
    // Probe new members right away instead of waiting for the next heartbeat or proposal.
    for (const id of r.trk.progress.keys()) if (id !== r.id) maybeSendAppend(r, id, false)
  }
  if (r.leadTransferee !== NONE && !r.trk.config.voters.incoming.has(r.leadTransferee) && !r.trk.config.voters.outgoing.has(r.leadTransferee)) {
    r.abortLeaderTransfer()
  }
  return cs
}

/**
 * A leader that is no longer a voter keeps replicating, without counting itself (thesis §4.2.2),
 * until everything it appended is committed; then it asks the most caught-up voter to campaign
 * (timeout-now) and steps down. Stepping down earlier can wedge the cluster: with apply-time
 * configuration, a voter that has not yet applied the change still needs the old leader's vote,
 * and the old leader (which cannot campaign any more) refuses it while holding an uncommitted
 * tail that the voter lacks. Returns true when it stepped down.
 */
export function maybeStepDownAfterRemoval(r: Raft): boolean {
  if (r.role !== 'leader' || !r.leaving) return false
  const self = r.trk.progress.get(r.id)
  if (self !== undefined && !self.isLearner) return false
  const last = r.raftLog.lastIndex()
  if (r.raftLog.committed < last) return false
  let heir: string | undefined
  for (const [id, pr] of r.trk.progress) {
    if (id !== r.id && !pr.isLearner && r.trk.config.voters.incoming.has(id) && pr.match === last && heir === undefined) heir = id
  }
  r.logger?.info(`${r.id} is no longer a voter; stepping down${heir === undefined ? '' : ` in favour of ${heir}`}`)
  if (heir !== undefined) sendTimeoutNow(r, heir)
  r.becomeFollower(r.term, NONE)
  return true
}

/**
 * Replace log and configuration with a snapshot from the leader. False when the snapshot is not
 * newer than what we have committed (then at most the commit index moves).
 */
export function restoreSnapshot(r: Raft, s: Snapshot): boolean {
  const { index, term } = s.metadata
  if (index <= r.raftLog.committed) return false
  if (r.raftLog.applying > r.raftLog.applied) {
    // Committed entries handed out in a Ready are still being applied. Restoring now would
    // replace the configuration under them, and their conf changes would then be applied on top
    // of the snapshot's. Decline; the leader retries the snapshot. (etcd restores here.)
    r.logger?.info(`${r.id} deferred snapshot ${index}/${term}: entries up to ${r.raftLog.applying} are being applied`)
    return false
  }
  if (r.role !== 'follower') {
    // Defence in depth: only a follower receives snapshots; a leader must never replace its log.
    r.logger?.warn(`${r.id} attempted to restore a snapshot as ${r.role}`)
    r.becomeFollower(r.term + 1, NONE)
    return false
  }
  if (r.raftLog.matchTerm(index, term)) {
    // We already have the entry the snapshot ends with, hence (log matching) everything before
    // it: keep the log and just learn that it is committed.
    r.logger?.info(`${r.id} fast-forwarded commit to snapshot ${index}/${term}`)
    r.raftLog.commitTo(index)
    return false
  }
  r.raftLog.restore(s)
  // Unlike etcd we accept a snapshot whose ConfState does not list us: a new member can receive
  // a snapshot taken before the entry that added it, and is then in the same position as a new
  // node with an empty configuration, catching up on the log that follows.
  restoreConfState(r, s.metadata.confState)
  r.logger?.info(`${r.id} [commit ${r.raftLog.committed}] restored snapshot ${index}/${term}`)
  return true
}
