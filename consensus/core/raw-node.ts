// RawNode: the only API a driver uses, after etcd's rawnode.go. It wraps the pure Raft state
// machine, collects its effects into Ready values, and takes acknowledgements through advance().
//
// Driver loop (one node):
//
//   on timer:           rn.tick()
//   on network message: rn.step(m)
//   on client request:  rn.propose(data) / rn.proposeConfChange(cc) / rn.readIndex(ctx)
//   then, whenever rn.hasReady():
//     const rd = rn.ready()
//     1. persist rd.snapshot, rd.entries and rd.hardState as one durable write (fsync if
//        rd.mustSync). The storage passed to the constructor must return these entries from
//        then on: the core reads persisted entries back from it.
//     2. send rd.messages (some acknowledge the state persisted in 1, so never before it).
//     3. apply rd.snapshot (if any) and then rd.committedEntries in order; call
//        rn.applyConfChange(decodeConfChange(e.data)) for each 'conf-change' entry; serve
//        rd.readStates once the applied index reaches theirs.
//     4. rn.advance(rd)
//
// What advance(rd) assumes: every write of step 1 is durable, the messages of step 2 were handed
// to the transport, and the snapshot and committed entries of step 3 are applied. It then marks
// the entries stable (they are read from storage afterwards), records the applied index, and
// steps the responses this node owes itself, which count only once durable: its own vote and its
// own acknowledgement of appended entries (Raft thesis §3.8).
//
// Between ready() and advance() the driver may keep calling tick/step/propose (e.g. while an
// fsync is in flight); hasReady() is false and ready() throws until advance() is called.
//
// Bootstrap (choice): bootstrap(voters) on empty storage installs a snapshot at index 1, term 1
// whose ConfState lists the voters and whose data is empty. The first Ready carries it (and hard
// state term 1, commit 1) to persist and apply; applying an empty snapshot means "empty state
// machine". Every bootstrapped member thus starts with the identical log prefix, restarts find
// the configuration in the stored snapshot, and nodes that join later (empty storage, no
// bootstrap) receive a snapshot or entries from the leader like any lagging follower.

import { Prng } from '../../lib/prng.js'
import type { RaftStorageReader } from '../storage/storage.js'
import type { ConfChange } from './conf-change.js'
import { encodeConfChange } from './conf-change.js'
import {
  BootstrapError,
  ConfChangeDecodeError,
  ConfChangeInvalidError,
  ConfChangePendingError,
  ProposalDroppedError,
  RaftConfigError,
  ReadIndexDroppedError,
  ReadyNotAdvancedError,
  StepLocalMessageError,
} from './errors.js'
import type { RaftLogger } from './raft.js'
import { Raft } from './raft.js'
import { applyConfChangeToRaft, restoreConfState } from './raft-config.js'
import type { RaftLogView } from './raft-log.js'
import { payloadSize } from './raft-log.js'
import type { Ready, SoftState } from './ready.js'
import type { BasicStatus, RaftStatus } from './status.js'
import { basicStatus, raftStatus } from './status.js'
import type { ConfState, HardState, Message, MessageType, NodeId, Snapshot } from './types.js'
import { EMPTY_BYTES, emptyHardState, message, NONE } from './types.js'

export interface RawNodeComponents {
  storage: RaftStorageReader
  logger?: RaftLogger
}

export interface RawNodeInit {
  id: NodeId
  /** Ticks without a leader before campaigning (randomised up to twice this). Default 10. */
  electionTick?: number
  /** Ticks between leader heartbeats. Default 1. Must be less than electionTick. */
  heartbeatTick?: number
  /** Thesis §9.6 pre-vote. Default true. */
  preVote?: boolean
  /** Leader steps down without a quorum; followers honour the leader lease. Default true. */
  checkQuorum?: boolean
  /** Byte cap on entries per append message (one entry always fits). Default 1 MiB. */
  maxSizePerMsg?: number
  /** Unacknowledged appends per follower in replicate state. Default 256. */
  maxInflightMsgs?: number
  /** Unacknowledged append bytes per follower. Default unlimited. */
  maxInflightBytes?: number
  /** Payload bytes the leader accepts uncommitted before dropping proposals. Default unlimited. */
  maxUncommittedBytes?: number
  /** Byte cap on committed entries per Ready. Default maxSizePerMsg. */
  maxCommittedBytesPerReady?: number
  /** Uniform integer in [0, n) for election jitter. Default: a PRNG seeded from the id. */
  randomInt?: (n: number) => number
  /** Index the state machine has applied, when restarting. Entries up to it are not re-delivered. */
  applied?: number
  /** Followers drop proposals instead of forwarding them to the leader. Default false. */
  disableProposalForwarding?: boolean
}

/** Message types produced locally; they never come from the network. */
const LOCAL_TYPES: ReadonlySet<MessageType> = new Set<MessageType>(['hup', 'beat', 'check-quorum', 'unreachable', 'snap-status'])
const RESPONSE_TYPES: ReadonlySet<MessageType> = new Set<MessageType>(['app-resp', 'vote-resp', 'pre-vote-resp', 'heartbeat-resp'])

/** What the accepted (handed out, not yet advanced) Ready needs acknowledged. */
interface Accepted {
  /** Responses to ourselves, valid once the Ready is persisted. */
  selfMsgs: Message[]
  term: number
  lastPersisted: { index: number; term: number } | undefined
  snapshot: Snapshot | undefined
  applied: { index: number; bytes: number } | undefined
}

export class RawNode {
  private readonly raft: Raft
  private readonly storage: RaftStorageReader
  private prevSoftState: SoftState
  private prevHardState: HardState
  private accepted: Accepted | undefined = undefined

  constructor(components: RawNodeComponents, init: RawNodeInit) {
    const electionTick = init.electionTick ?? 10
    const heartbeatTick = init.heartbeatTick ?? 1
    const maxSizePerMsg = init.maxSizePerMsg ?? 1 << 20
    const maxInflightMsgs = init.maxInflightMsgs ?? 256
    if (init.id === NONE) throw new RaftConfigError('id must not be empty')
    if (!(heartbeatTick > 0)) throw new RaftConfigError('heartbeatTick must be greater than 0')
    if (!(electionTick > heartbeatTick)) throw new RaftConfigError('electionTick must be greater than heartbeatTick')
    if (!(maxInflightMsgs > 0)) throw new RaftConfigError('maxInflightMsgs must be greater than 0')
    this.storage = components.storage
    this.raft = new Raft({
      id: init.id,
      storage: components.storage,
      ...(components.logger !== undefined ? { logger: components.logger } : {}),
      electionTick,
      heartbeatTick,
      preVote: init.preVote ?? true,
      checkQuorum: init.checkQuorum ?? true,
      maxSizePerMsg,
      maxInflightMsgs,
      maxInflightBytes: init.maxInflightBytes ?? Infinity,
      maxUncommittedBytes: init.maxUncommittedBytes ?? Infinity,
      maxCommittedBytesPerReady: init.maxCommittedBytesPerReady ?? maxSizePerMsg,
      randomInt: init.randomInt ?? defaultRandomInt(init.id),
      applied: init.applied ?? 0,
      disableProposalForwarding: init.disableProposalForwarding ?? false,
    })
    this.prevSoftState = this.raft.softState()
    this.prevHardState = this.raft.hardState()
  }

  /**
   * Start a brand-new cluster on empty storage with `voters` (this node among them, normally).
   * See the header comment for what the first Ready then contains. Throws BootstrapError when
   * storage already holds state.
   */
  bootstrap(voters: NodeId[]): void {
    if (voters.length === 0) throw new BootstrapError('no voters given')
    const { hardState } = this.storage.initialState()
    if (this.storage.lastIndex() !== 0 || this.storage.snapshot().metadata.index !== 0 || hardState.term !== 0 || hardState.vote !== NONE) {
      throw new BootstrapError('storage is not empty')
    }
    const confState: ConfState = { voters: [...new Set(voters)].sort(), learners: [], votersOutgoing: [], learnersNext: [], autoLeave: false }
    const snapshot: Snapshot = { metadata: { index: 1, term: 1, confState }, data: EMPTY_BYTES }
    const r = this.raft
    r.becomeFollower(1, NONE)
    r.raftLog.restore(snapshot)
    restoreConfState(r, confState)
    // Make the first Ready carry the hard state even if it looks unchanged.
    this.prevHardState = emptyHardState()
  }

  /** Advance the logical clock by one tick (election and heartbeat timeouts count ticks). */
  tick(): void {
    this.raft.tickFn(this.raft)
  }

  /**
   * Step a message received from the network. Throws StepLocalMessageError for local-only types.
   * Answers from peers outside the configuration are ignored, and so are forwarded proposals or
   * read requests that this node has to drop: their originator learns nothing (etcd behaves the
   * same way), so drivers time out such requests.
   */
  step(m: Message): void {
    if (LOCAL_TYPES.has(m.type)) throw new StepLocalMessageError(m.type)
    if (RESPONSE_TYPES.has(m.type) && !this.raft.trk.progress.has(m.from)) return
    try {
      this.raft.step(m)
    } catch (err) {
      if (
        err instanceof ProposalDroppedError ||
        err instanceof ConfChangePendingError ||
        err instanceof ConfChangeInvalidError ||
        err instanceof ConfChangeDecodeError ||
        err instanceof ReadIndexDroppedError
      ) {
        return
      }
      throw err
    }
  }

  /**
   * Propose a command. Returns once it is in the leader's log (or forwarded to the leader); the
   * command is committed when it shows up in Ready.committedEntries. Throws ProposalDroppedError
   * when there is no leader, a leadership transfer is in progress, forwarding is disabled, this
   * leader was removed, or the uncommitted-size limit is reached.
   */
  propose(data: Uint8Array): void {
    this.raft.step(message({ type: 'prop', from: this.raft.id, entries: [{ term: 0, index: 0, type: 'normal', data }] }))
  }

  /**
   * Propose a membership change. Throws like propose(), and on the leader also
   * ConfChangePendingError (an earlier change is not applied yet) or ConfChangeInvalidError (the
   * change does not fit the current configuration). A follower forwards without checking; an
   * invalid forwarded change is dropped by the leader.
   */
  proposeConfChange(cc: ConfChange): void {
    this.raft.step(message({ type: 'prop', from: this.raft.id, entries: [{ term: 0, index: 0, type: 'conf-change', data: encodeConfChange(cc) }] }))
  }

  /** Apply a committed conf change (call in log order while applying) and get the new ConfState. */
  applyConfChange(cc: ConfChange): ConfState {
    return applyConfChangeToRaft(this.raft, cc)
  }

  /** Campaign now (with a pre-vote round first when preVote is on). */
  campaign(): void {
    this.raft.step(message({ type: 'hup', from: this.raft.id }))
  }

  /** Ask the leader (this node or the one it knows) to hand leadership to `to`. */
  transferLeader(to: NodeId): void {
    this.raft.step(message({ type: 'transfer-leader', from: to }))
  }

  /**
   * Request a linearizable read. A ReadState with this `ctx` appears in a later Ready; the read
   * may be served once the state machine applied its index. Throws ReadIndexDroppedError when no
   * leader is known. The request is lost silently if leadership changes meanwhile: time it out.
   */
  readIndex(ctx: Uint8Array): void {
    this.raft.step(message({ type: 'read-index', context: ctx }))
  }

  /** The transport failed to deliver to `id`: stop optimistic replication to it. */
  reportUnreachable(id: NodeId): void {
    this.raft.step(message({ type: 'unreachable', from: id }))
  }

  /**
   * Outcome of sending a 'snap' message to `id`. The driver must report every snapshot it sends
   * (ok once handed over, not ok when sending failed): until then the leader pauses replication
   * to that follower, and a lost snapshot would pause it forever.
   */
  reportSnapshot(id: NodeId, ok: boolean): void {
    this.raft.step(message({ type: 'snap-status', from: id, reject: !ok }))
  }

  hasReady(): boolean {
    if (this.accepted !== undefined) return false
    const r = this.raft
    const ss = r.softState()
    if (ss.lead !== this.prevSoftState.lead || ss.role !== this.prevSoftState.role) return true
    if (!sameHardState(r.hardState(), this.prevHardState)) return true
    if (r.raftLog.nextUnstableSnapshot() !== undefined) return true
    if (r.msgs.length > 0 || r.msgsAfterAppend.length > 0) return true
    if (r.raftLog.hasNextUnstableEntries() || r.raftLog.hasNextCommittedEntries()) return true
    return r.readStates.length > 0
  }

  /** Collect the pending effects. Must be followed by advance() before the next ready(). */
  ready(): Ready {
    if (this.accepted !== undefined) throw new ReadyNotAdvancedError()
    const r = this.raft
    const entries = r.raftLog.nextUnstableEntries()
    const committedEntries = r.raftLog.nextCommittedEntries()
    const messages = r.msgs.slice()
    const selfMsgs: Message[] = []
    for (const m of r.msgsAfterAppend) (m.to === r.id ? selfMsgs : messages).push(m)
    const rd: Ready = { readStates: r.readStates, entries, committedEntries, messages, sendBeforePersist: r.msgs.length, mustSync: false }

    const ss = r.softState()
    if (ss.lead !== this.prevSoftState.lead || ss.role !== this.prevSoftState.role) {
      rd.softState = ss
      this.prevSoftState = ss
    }
    const hs = r.hardState()
    if (!sameHardState(hs, this.prevHardState)) rd.hardState = hs
    const snapshot = r.raftLog.nextUnstableSnapshot()
    if (snapshot !== undefined) rd.snapshot = snapshot
    // A lost commit index is recovered from the leader, so a commit-only change need not fsync.
    // A snapshot must be durable before it is acknowledged, like entries.
    rd.mustSync = entries.length > 0 || snapshot !== undefined || hs.term !== this.prevHardState.term || hs.vote !== this.prevHardState.vote
    this.prevHardState = hs

    const log = r.raftLog
    this.accepted = {
      selfMsgs,
      term: r.term,
      lastPersisted: log.hasNextOrInProgressUnstableEntries() ? { index: log.lastIndex(), term: log.lastTerm() } : undefined,
      snapshot,
      applied: committedEntries.length > 0 ? { index: committedEntries[committedEntries.length - 1]!.index, bytes: payloadSize(committedEntries) } : undefined,
    }
    r.readStates = []
    r.msgs = []
    r.msgsAfterAppend = []
    log.acceptUnstable()
    if (this.accepted.applied !== undefined) log.acceptApplying(this.accepted.applied.index)
    return rd
  }

  /** Acknowledge the last Ready; see the header comment for what this assumes. */
  advance(_rd: Ready): void {
    const a = this.accepted
    if (a === undefined) return
    this.accepted = undefined
    const r = this.raft
    for (const m of a.selfMsgs) r.step(m)
    r.onPersisted(a.term, a.lastPersisted, a.snapshot)
    if (a.applied !== undefined) r.onApplied(a.applied.index, a.applied.bytes)
  }

  status(): RaftStatus {
    return raftStatus(this.raft)
  }

  /** Role, term, leader and indexes without copying configuration or progress. */
  basicStatus(): BasicStatus {
    return basicStatus(this.raft)
  }

  /** Read-only view of the in-memory log (persisted and unstable entries). */
  logView(): RaftLogView {
    return this.raft.raftLog
  }
}

function sameHardState(a: HardState, b: HardState): boolean {
  return a.term === b.term && a.vote === b.vote && a.commit === b.commit
}

/** A deterministic per-node jitter source, so that nodes differ without global randomness. */
function defaultRandomInt(id: NodeId): (n: number) => number {
  let h = 0x811c9dc5
  for (let i = 0; i < id.length; i++) h = Math.imul(h ^ id.charCodeAt(i), 0x01000193)
  const prng = new Prng(h >>> 0)
  return (n) => prng.int(0, n)
}
