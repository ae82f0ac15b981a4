// What the leader knows about one follower's log, after etcd's tracker/progress.go.
//
// probe:     the leader does not know where the follower's log ends; it sends at most one append
//            per heartbeat interval and waits for the answer (acceptance or rejection hint).
// replicate: the follower is known to match up to `match`; the leader streams appends
//            optimistically, bounded by the inflights window.
// snapshot:  the follower needs entries the leader has compacted; a snapshot is on its way and
//            appends are paused until the follower reports it applied.

import { Inflights } from './inflights.js'

export type ProgressState = 'probe' | 'replicate' | 'snapshot'

export class Progress {
  /** Highest index known to be durably replicated on the follower. */
  match = 0
  /** Next index to send. Invariant: match < next. */
  next: number
  /** Highest commit index sent to the follower, so an idle follower still learns commits. */
  sentCommit = 0
  state: ProgressState = 'probe'
  /** Index of the snapshot in flight while in StateSnapshot. */
  pendingSnapshot = 0
  /** Heard from in the current CheckQuorum interval. */
  recentActive: boolean
  /** In probe: one append is in flight. In replicate: the inflights window is full. */
  msgAppFlowPaused = false
  inflights: Inflights
  isLearner: boolean

  constructor(init: { next: number; match?: number; isLearner: boolean; recentActive?: boolean; inflights: Inflights }) {
    this.next = init.next
    this.match = init.match ?? 0
    this.isLearner = init.isLearner
    this.recentActive = init.recentActive ?? false
    this.inflights = init.inflights
  }

  private resetState(state: ProgressState): void {
    this.msgAppFlowPaused = false
    this.pendingSnapshot = 0
    this.state = state
    this.inflights.reset()
  }

  becomeProbe(): void {
    if (this.state === 'snapshot') {
      // Resume after the snapshot even if the follower has not acknowledged it yet: a successful
      // snapshot report means it will have at least that much.
      const pending = this.pendingSnapshot
      this.resetState('probe')
      this.next = Math.max(this.match + 1, pending + 1)
    } else {
      this.resetState('probe')
      this.next = this.match + 1
    }
    this.sentCommit = Math.min(this.sentCommit, this.next - 1)
  }

  becomeReplicate(): void {
    this.resetState('replicate')
    this.next = this.match + 1
  }

  becomeSnapshot(snapshotIndex: number): void {
    this.resetState('snapshot')
    this.pendingSnapshot = snapshotIndex
    this.next = snapshotIndex + 1
    this.sentCommit = snapshotIndex
  }

  /** Account for an append carrying `entries` entries of `bytes` payload bytes. */
  sentEntries(entries: number, bytes: number): void {
    if (this.state === 'replicate') {
      if (entries > 0) {
        this.next += entries
        this.inflights.add(this.next - 1, bytes)
      }
      this.msgAppFlowPaused = this.inflights.full()
    } else if (this.state === 'probe') {
      if (entries > 0) this.msgAppFlowPaused = true
    } else {
      throw new Error('sending append while a snapshot is in flight')
    }
  }

  /** Whether an (empty) append would tell the follower a newer commit index it can use. */
  canBumpCommit(commit: number): boolean {
    // The follower can only commit up to what it has, i.e. next-1.
    return commit > this.sentCommit && this.sentCommit < this.next - 1
  }

  recordSentCommit(commit: number): void {
    this.sentCommit = commit
  }

  /** An acknowledgement up to n; false when it is stale. */
  maybeUpdate(n: number): boolean {
    if (n <= this.match) return false
    this.match = n
    this.next = Math.max(this.next, n + 1)
    this.msgAppFlowPaused = false
    return true
  }

  /**
   * A rejection of the append whose previous index was `rejected`, with the follower's hint of
   * where the logs may match. False when the rejection is stale (out of order).
   */
  maybeDecrTo(rejected: number, matchHint: number): boolean {
    if (this.state === 'replicate') {
      // In replicate the leader pipelines appends; a rejection for an index at or below match is
      // an old message. Otherwise fall back to probing from just after match.
      if (rejected <= this.match) return false
      this.next = this.match + 1
      this.sentCommit = Math.min(this.sentCommit, this.next - 1)
      return true
    }
    // In probe only the single outstanding append (prev index next-1) can be rejected.
    if (this.next - 1 !== rejected) return false
    this.next = Math.max(Math.min(rejected, matchHint + 1), this.match + 1)
    this.sentCommit = Math.min(this.sentCommit, this.next - 1)
    this.msgAppFlowPaused = false
    return true
  }

  isPaused(): boolean {
    if (this.state === 'snapshot') return true
    return this.msgAppFlowPaused
  }

  describe(): string {
    let s = `${this.state} match=${this.match} next=${this.next}`
    if (this.isLearner) s += ' learner'
    if (this.isPaused()) s += ' paused'
    if (this.pendingSnapshot > 0) s += ` pendingSnap=${this.pendingSnapshot}`
    if (!this.recentActive) s += ' inactive'
    const n = this.inflights.count()
    if (n > 0) s += ` inflight=${n}${this.inflights.full() ? '[full]' : ''}`
    return s
  }

  clone(): Progress {
    const p = new Progress({ next: this.next, match: this.match, isLearner: this.isLearner, recentActive: this.recentActive, inflights: this.inflights.clone() })
    p.sentCommit = this.sentCommit
    p.state = this.state
    p.pendingSnapshot = this.pendingSnapshot
    p.msgAppFlowPaused = this.msgAppFlowPaused
    return p
  }
}
