// The Raft state machine, after etcd-io/raft's raft.go. Pure: no timers, I/O, clock or global
// randomness. Inputs arrive as messages through step() (timer expiry included, as 'hup' and
// 'beat'); outputs are queued in `msgs`/`msgsAfterAppend` and in the log, and handed out by the
// RawNode in a Ready. Role behaviour is swapped by assigning the `stepFn`/`tickFn` fields.

import type { RaftStorageReader } from '../storage/storage.js'
import { encodeConfChange, leaveJointConfChange } from './conf-change.js'
import { handleVote, hup, isTransferContext, tickElection, tickHeartbeat, voteRespType } from './election.js'
import { ConfChangeInvalidError, ConfChangePendingError, ProposalDroppedError, RaftInvariantError } from './errors.js'
import { ProgressTracker } from './progress-tracker.js'
import { Progress } from './progress.js'
import { restoreConfState, voterAfterPendingChanges } from './raft-config.js'
import { payloadSize, RaftLog } from './raft-log.js'
import { ReadOnly } from './read-only.js'
import type { ReadState, Role, SoftState } from './ready.js'
import { stepCandidate, stepFollower } from './step-follower.js'
import { stepLeader } from './step-leader.js'
import type { Entry, HardState, Message, NodeId, Snapshot } from './types.js'
import { EMPTY_BYTES, message, NONE } from './types.js'

/** Optional sink for the core's diagnostics; the core never writes anywhere itself. */
export interface RaftLogger {
  debug(msg: string): void
  info(msg: string): void
  warn(msg: string): void
}

export interface RaftConfig {
  id: NodeId
  storage: RaftStorageReader
  logger?: RaftLogger
  electionTick: number
  heartbeatTick: number
  preVote: boolean
  checkQuorum: boolean
  maxSizePerMsg: number
  maxInflightMsgs: number
  maxInflightBytes: number
  maxUncommittedBytes: number
  maxCommittedBytesPerReady: number
  /** Uniform integer in [0, n); the only source of randomness (election jitter). */
  randomInt: (n: number) => number
  applied: number
  disableProposalForwarding: boolean
}

export type StepFn = (r: Raft, m: Message) => void
export type TickFn = (r: Raft) => void

export class Raft {
  readonly id: NodeId
  term = 0
  vote: NodeId = NONE
  lead: NodeId = NONE
  role: Role = 'follower'
  readonly raftLog: RaftLog
  readonly trk: ProgressTracker
  readonly logger: RaftLogger | undefined
  isLearner = false

  /** Messages to send once the Ready they are in is persisted. */
  msgs: Message[] = []
  /**
   * Responses that acknowledge durable state (append acks, votes). Raft thesis §3.8: a vote or an
   * append may only be acknowledged once persisted. They go out with the Ready that persists that
   * state; those addressed to this node are stepped in advance(), after persistence.
   */
  msgsAfterAppend: Message[] = []
  readStates: ReadState[] = []

  /** Target of an ongoing leadership transfer (thesis §3.10), or NONE. */
  leadTransferee: NodeId = NONE
  /**
   * Index at or above the latest conf change that may be unapplied. A new conf change is
   * accepted only once applied >= pendingConfIndex: one change in flight at a time.
   */
  pendingConfIndex = 0
  /**
   * This leader is, or will be once its log is applied, a non-voter: it proposed such a change,
   * inherited one at election, or applied one. It accepts no more proposals, so its log ends with
   * what it must commit, and the remaining voters can all win its vote (see
   * maybeStepDownAfterRemoval).
   */
  leaving = false
  /** Estimate of the payload bytes of the uncommitted tail (leader only). */
  uncommittedSize = 0
  readOnly = new ReadOnly()
  /** Read requests that arrived before this leader committed an entry of its term. */
  pendingReadIndexMessages: Message[] = []

  electionElapsed = 0
  heartbeatElapsed = 0
  randomizedElectionTimeout = 0
  readonly electionTimeout: number
  readonly heartbeatTimeout: number
  readonly checkQuorum: boolean
  readonly preVote: boolean
  readonly maxMsgSize: number
  readonly maxUncommittedSize: number
  readonly disableProposalForwarding: boolean
  private readonly randomInt: (n: number) => number

  stepFn: StepFn = stepFollower
  tickFn: TickFn = tickElection

  constructor(c: RaftConfig) {
    this.id = c.id
    this.logger = c.logger
    this.electionTimeout = c.electionTick
    this.heartbeatTimeout = c.heartbeatTick
    this.checkQuorum = c.checkQuorum
    this.preVote = c.preVote
    this.maxMsgSize = c.maxSizePerMsg
    this.maxUncommittedSize = c.maxUncommittedBytes
    this.disableProposalForwarding = c.disableProposalForwarding
    this.randomInt = c.randomInt
    this.raftLog = new RaftLog(c.storage, c.maxCommittedBytesPerReady)
    this.trk = new ProgressTracker(c.maxInflightMsgs, c.maxInflightBytes)

    const { hardState, confState } = c.storage.initialState()
    restoreConfState(this, confState)
    if (hardState.term !== 0 || hardState.vote !== NONE || hardState.commit !== 0) this.loadState(hardState)
    if (c.applied > 0) this.raftLog.appliedTo(c.applied)
    this.becomeFollower(this.term, NONE)
    this.logger?.info(
      `${this.id} started [voters: (${this.trk.voterNodes().join(' ')}), term: ${this.term}, commit: ${this.raftLog.committed}, applied: ${this.raftLog.applied}, last: ${this.raftLog.lastIndex()}/${this.raftLog.lastTerm()}]`,
    )
  }

  softState(): SoftState {
    return { lead: this.lead, role: this.role }
  }

  hardState(): HardState {
    return { term: this.term, vote: this.vote, commit: this.raftLog.committed }
  }

  hasLeader(): boolean {
    return this.lead !== NONE
  }

  private loadState(hs: HardState): void {
    if (hs.commit > this.raftLog.lastIndex()) {
      throw new RaftInvariantError(`${this.id} hard state commit ${hs.commit} is beyond the last index ${this.raftLog.lastIndex()}; was the log lost?`)
    }
    // A commit index below the stored snapshot is stale, not corrupt: a commit-only hard state
    // need not be fsynced (Ready.mustSync), so a crash can lose it after a snapshot was taken.
    // Everything in the snapshot is committed, so keep the snapshot's index (etcd panics here).
    this.raftLog.committed = Math.max(hs.commit, this.raftLog.committed)
    this.term = hs.term
    this.vote = hs.vote
  }

  /** Queue a message; fills in `from` and the term (except for votes, which carry their own). */
  send(m: Message): void {
    if (m.from === NONE) m.from = this.id
    if (m.type === 'vote' || m.type === 'vote-resp' || m.type === 'pre-vote' || m.type === 'pre-vote-resp') {
      if (m.term === 0 && !m.reject) throw new RaftInvariantError(`term must be set when sending ${m.type}`)
    } else if (m.type !== 'prop' && m.type !== 'read-index') {
      // Proposals and read requests are forwarded to the leader as they are: they are local
      // requests of the node that made them, not part of the term's protocol.
      m.term = this.term
    }
    if (m.type === 'app-resp' || m.type === 'vote-resp' || m.type === 'pre-vote-resp') {
      this.msgsAfterAppend.push(m)
    } else {
      if (m.to === this.id) throw new RaftInvariantError(`message ${m.type} must not be self-addressed`)
      this.msgs.push(m)
    }
  }

  // --- role transitions -------------------------------------------------------------------------

  reset(term: number): void {
    if (this.term !== term) {
      this.term = term
      this.vote = NONE
    }
    this.lead = NONE
    this.electionElapsed = 0
    this.heartbeatElapsed = 0
    this.resetRandomizedElectionTimeout()
    this.abortLeaderTransfer()
    this.trk.resetVotes()
    const last = this.raftLog.lastIndex()
    for (const [id, pr] of this.trk.progress) {
      this.trk.progress.set(
        id,
        new Progress({ next: last + 1, match: id === this.id ? last : 0, isLearner: pr.isLearner, inflights: this.trk.newInflights() }),
      )
    }
    this.pendingConfIndex = 0
    this.leaving = false
    this.uncommittedSize = 0
    this.readOnly = new ReadOnly()
    this.pendingReadIndexMessages = []
  }

  becomeFollower(term: number, lead: NodeId): void {
    this.stepFn = stepFollower
    this.reset(term)
    this.tickFn = tickElection
    this.lead = lead
    this.role = 'follower'
    this.logger?.info(`${this.id} became follower at term ${this.term}`)
  }

  becomeCandidate(): void {
    if (this.role === 'leader') throw new RaftInvariantError('invalid transition [leader -> candidate]')
    this.stepFn = stepCandidate
    this.reset(this.term + 1)
    this.tickFn = tickElection
    this.vote = this.id
    this.role = 'candidate'
    this.logger?.info(`${this.id} became candidate at term ${this.term}`)
  }

  /**
   * Pre-vote (thesis §9.6): ask whether we could win before bumping the term, so a node that was
   * partitioned away does not disrupt the cluster with a higher term when it returns. Neither
   * term nor vote change.
   */
  becomePreCandidate(): void {
    if (this.role === 'leader') throw new RaftInvariantError('invalid transition [leader -> pre-candidate]')
    this.stepFn = stepCandidate
    this.trk.resetVotes()
    this.tickFn = tickElection
    this.lead = NONE
    this.role = 'pre-candidate'
    this.logger?.info(`${this.id} became pre-candidate at term ${this.term}`)
  }

  becomeLeader(): void {
    if (this.role === 'follower') throw new RaftInvariantError('invalid transition [follower -> leader]')
    this.stepFn = stepLeader
    this.reset(this.term)
    this.tickFn = tickHeartbeat
    this.lead = this.id
    this.role = 'leader'
    const self = this.trk.progress.get(this.id)
    if (self !== undefined) {
      self.becomeReplicate()
      self.recentActive = true
    }
    // Any entry in our log past the applied index might be a conf change: refuse new ones until
    // all of it is applied (as etcd does).
    this.pendingConfIndex = this.raftLog.lastIndex()
    // An inherited change may remove or demote us: then lead only to commit what is there.
    this.leaving = !voterAfterPendingChanges(this)
    // Raft §5.4.2 / §8: a leader cannot count replicas of older-term entries to commit them, so it
    // appends an empty entry of its own term; committing it commits everything before it.
    if (!this.appendEntry([{ term: 0, index: 0, type: 'normal', data: EMPTY_BYTES }])) {
      throw new RaftInvariantError('empty entry was dropped')
    }
    this.logger?.info(`${this.id} became leader at term ${this.term}`)
  }

  // --- the single entry point ----------------------------------------------------------------------

  step(m: Message): void {
    if (m.term === 0) {
      // Local message, or a forwarded proposal / read request.
    } else if (m.term > this.term) {
      if (m.type === 'vote' || m.type === 'pre-vote') {
        const force = isTransferContext(m.context)
        const inLease = this.checkQuorum && this.lead !== NONE && this.electionElapsed < this.electionTimeout
        if (!force && inLease) {
          // Thesis §4.2.3: a server that heard from a current leader within the minimum election
          // timeout neither updates its term nor grants a vote, so a removed or partitioned
          // server cannot depose a healthy leader.
          this.logger?.debug(`${this.id} ignored ${m.type} from ${m.from} at term ${m.term}: lease is not expired`)
          return
        }
      }
      if (m.type === 'pre-vote') {
        // Never change our term in response to a pre-vote.
      } else if (m.type === 'pre-vote-resp' && !m.reject) {
        // Granted pre-votes carry the term we will campaign in; the term moves when we do.
      } else {
        this.logger?.debug(`${this.id} [term ${this.term}] received ${m.type} with higher term ${m.term} from ${m.from}`)
        const fromLeader = m.type === 'app' || m.type === 'heartbeat' || m.type === 'snap'
        this.becomeFollower(m.term, fromLeader ? m.from : NONE)
      }
    } else if (m.term < this.term) {
      if ((this.checkQuorum || this.preVote) && (m.type === 'heartbeat' || m.type === 'app')) {
        // A leader of an older term: tell it our term so it steps down. With CheckQuorum or
        // pre-vote we do not raise terms on vote requests, so without this answer a node whose
        // term rose while it was partitioned could never rejoin the old leader's term.
        this.send(message({ type: 'app-resp', to: m.from }))
      } else if (m.type === 'pre-vote' || m.type === 'vote') {
        // Reject with our term rather than ignore (Raft §5.1: the reply carries currentTerm), so a
        // candidate that fell behind adopts our term at once. etcd stays silent to votes; then a
        // candidate can trail forever behind a voter whose term a removed node keeps raising.
        this.send(message({ type: voteRespType(m.type), to: m.from, term: this.term, reject: true }))
      } else {
        this.logger?.debug(`${this.id} [term ${this.term}] ignored ${m.type} with lower term ${m.term} from ${m.from}`)
      }
      return
    }

    switch (m.type) {
      case 'hup':
        hup(this, this.preVote ? 'pre-election' : 'election')
        return
      case 'vote':
      case 'pre-vote':
        handleVote(this, m)
        return
      default:
        this.stepFn(this, m)
    }
  }

  // --- log -----------------------------------------------------------------------------------------

  /** Append proposed entries at our term. False when the uncommitted-size limit refuses them. */
  appendEntry(es: Entry[]): boolean {
    const li = this.raftLog.lastIndex()
    const ents = es.map((e, i): Entry => ({ term: this.term, index: li + 1 + i, type: e.type, data: e.data }))
    if (!this.increaseUncommittedSize(ents)) {
      this.logger?.warn(`${this.id} dropping proposal: uncommitted size limit`)
      return false
    }
    const last = this.raftLog.append(ents)
    // The leader acknowledges its own entries once they are persisted, like any follower.
    this.send(message({ type: 'app-resp', to: this.id, index: last }))
    return true
  }

  /** Leader: commit what a quorum has, if it is of the current term (Raft §5.4.2). */
  maybeCommit(): boolean {
    return this.raftLog.maybeCommit(this.trk.committed(), this.term)
  }

  committedEntryInCurrentTerm(): boolean {
    return this.raftLog.term(this.raftLog.committed) === this.term
  }

  private increaseUncommittedSize(ents: Entry[]): boolean {
    const s = payloadSize(ents)
    // Empty entries always pass, so the leader's no-op and the auto-leave change are never
    // refused; and an empty tail accepts any single proposal.
    if (this.uncommittedSize > 0 && s > 0 && this.uncommittedSize + s > this.maxUncommittedSize) return false
    this.uncommittedSize += s
    return true
  }

  reduceUncommittedSize(s: number): void {
    this.uncommittedSize = Math.max(0, this.uncommittedSize - s)
  }

  // --- driver acknowledgements ----------------------------------------------------------------------

  /** The driver persisted the log up to (index, term) and/or the snapshot, as of our term `term`. */
  onPersisted(term: number, last: { index: number; term: number } | undefined, snapshot: Snapshot | undefined): void {
    // If our term moved since the Ready was taken, the persisted entries may have been replaced
    // in memory by a newer leader's; do not mark what we now hold as durable.
    if (last !== undefined && term === this.term) this.raftLog.stableTo(last.index, last.term)
    if (snapshot !== undefined) {
      this.raftLog.stableSnapTo(snapshot.metadata.index)
      this.appliedTo(snapshot.metadata.index)
    }
  }

  /** The driver applied entries up to `index` carrying `bytes` payload bytes. */
  onApplied(index: number, bytes: number): void {
    this.appliedTo(index)
    this.reduceUncommittedSize(bytes)
  }

  private appliedTo(index: number): void {
    this.raftLog.appliedTo(Math.max(index, this.raftLog.applied))
    this.maybeAutoLeave()
  }

  /** Leave a joint configuration with autoLeave once it is applied (etcd's appliedTo). */
  maybeAutoLeave(): void {
    if (!this.trk.config.autoLeave || this.raftLog.applied < this.pendingConfIndex || this.role !== 'leader') return
    // The empty change is never refused for size, but it is during a leadership transfer: then
    // it is retried on the next apply, or when the transfer is abandoned (tickHeartbeat), or the
    // new leader does it.
    try {
      this.step(message({ type: 'prop', from: this.id, entries: [{ term: 0, index: 0, type: 'conf-change', data: encodeConfChange(leaveJointConfChange()) }] }))
      this.logger?.info(`${this.id} initiating automatic transition out of joint configuration`)
    } catch (err) {
      if (!(err instanceof ProposalDroppedError || err instanceof ConfChangePendingError || err instanceof ConfChangeInvalidError)) throw err
    }
  }

  // --- misc ------------------------------------------------------------------------------------------

  pastElectionTimeout(): boolean {
    return this.electionElapsed >= this.randomizedElectionTimeout
  }

  /** Raft §5.2: randomised in [electionTimeout, 2*electionTimeout) so that split votes are rare. */
  resetRandomizedElectionTimeout(): void {
    this.randomizedElectionTimeout = this.electionTimeout + this.randomInt(this.electionTimeout)
  }

  abortLeaderTransfer(): void {
    this.leadTransferee = NONE
  }
}

