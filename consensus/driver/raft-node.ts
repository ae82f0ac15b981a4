import { EventEmitter } from 'node:events'
import type { Logger } from 'pino'
import type { Startable } from '../../lib/startable.js'
import type { ConfChange } from '../core/conf-change.js'
import { decodeConfChange } from '../core/conf-change.js'
import { ProposalDroppedError } from '../core/errors.js'
import type { Ready, Role, SoftState } from '../core/ready.js'
import { RawNode } from '../core/raw-node.js'
import type { RaftStatus } from '../core/status.js'
import type { ConfState, Entry, Message, NodeId } from '../core/types.js'
import type { RaftStorage } from '../storage/storage.js'
import type { RaftTransportEvents } from '../transport/raft-transport.js'
import { decodeEnvelope, encodeEnvelope, EnvelopeError } from './envelope.js'
import type { RecoveryMarkerStore } from '../storage/recovery-marker.js'
import { NotLeaderError, RaftStoppedError, RecoveryMarkerMissingError } from './errors.js'
import { forceNewClusterOnce } from './force-new-cluster.js'
import { PendingProposals } from './pending-proposals.js'
import { PendingReads } from './pending-reads.js'
import type { StateMachine } from './state-machine.js'

/** The slice of the transport the driver uses; an in-memory network can stand in for tests. */
export interface RaftMessenger extends Pick<EventEmitter<RaftTransportEvents>, 'on' | 'off'> {
  send(messages: Message[]): void
}

export interface RaftNodeComponents {
  storage: RaftStorage
  transport: RaftMessenger
  stateMachine: StateMachine
  logger: Logger
  /** Records a forced recovery so it runs once; needed only with `forceNewCluster`. */
  recoveryMarker?: RecoveryMarkerStore
}

export interface RaftNodeInit {
  id: NodeId
  /** Wall-clock length of one Raft tick. Default 50 ms. */
  tickMs?: number
  /** Election timeout in ticks (randomised up to twice this). Default 10 (0.5-1 s). */
  electionTicks?: number
  heartbeatTicks?: number
  /** Applied entries between snapshots. Default 10,000. */
  snapshotEntries?: number
  /** Entries kept behind a snapshot so slightly slow followers catch up without one. Default 1,000. */
  compactMargin?: number
  proposalTimeoutMs?: number
  /** Voters to bootstrap a brand-new cluster with; ignored when storage holds state. */
  bootstrap?: NodeId[]
  /**
   * Disaster recovery: keep this node's log and make it the sole voter of a new configuration.
   * Runs once per raft data directory (see forceNewClusterOnce); ignored with a warning after.
   */
  forceNewCluster?: boolean
  randomInt?: (n: number) => number
}

export interface RaftNodeEvents {
  'raft:role': [state: SoftState]
  /** This node is leader and has applied an entry of its own term: its view is complete. */
  'raft:leader-ready': [term: number]
  'raft:applied': [index: number]
  'raft:config': [confState: ConfState]
}

/**
 * Drives a RawNode: ticks it on a timer, feeds it the transport's messages, and runs each Ready
 * in the order Raft requires — persist (durably), then send, then apply, then advance. Proposals
 * resolve with the state machine's result when their entry is applied on this node.
 */
export class RaftNode extends EventEmitter<RaftNodeEvents> implements Startable {
  private rn!: RawNode
  private timer: NodeJS.Timeout | undefined
  private running = false
  private processing: Promise<void> | undefined
  private again = false
  private confState: ConfState = { voters: [], learners: [], votersOutgoing: [], learnersNext: [], autoLeave: false }
  private applied = 0
  private snapshotIndex = 0
  private role: Role = 'follower'
  private lead = ''
  private term = 0
  private leaderReadyTerm = 0
  /** Snapshots received from a leader since start (a laggard catching up past compaction). */
  private installed = 0
  private readonly pending: PendingProposals
  private readonly reads = new PendingReads()
  private readonly log: Logger
  private readonly onMessages = (msgs: Message[]): void => this.receive(msgs)
  private readonly onUnreachable = (peer: NodeId): void => {
    if (this.running) this.rn.reportUnreachable(peer)
  }
  private readonly onSnapshotStatus = (peer: NodeId, _index: number, ok: boolean): void => {
    if (!this.running) return
    this.rn.reportSnapshot(peer, ok)
    this.kick()
  }

  constructor(
    private readonly components: RaftNodeComponents,
    private readonly init: RaftNodeInit,
  ) {
    super()
    this.log = components.logger
    this.pending = new PendingProposals(init.id.slice(-8))
  }

  get id(): NodeId {
    return this.init.id
  }

  async start(): Promise<void> {
    const { storage, stateMachine } = this.components
    if (this.init.forceNewCluster === true) {
      const marker = this.components.recoveryMarker
      if (marker === undefined) throw new RecoveryMarkerMissingError()
      await forceNewClusterOnce(storage, stateMachine, this.init.id, marker, this.log)
    }
    const snap = storage.snapshot()
    stateMachine.restore(snap.data, snap.metadata.index)
    this.applied = snap.metadata.index
    this.snapshotIndex = snap.metadata.index
    this.confState = storage.initialState().confState
    this.rn = new RawNode(
      { storage, logger: raftLogger(this.log) },
      {
        id: this.init.id,
        electionTick: this.init.electionTicks ?? 10,
        heartbeatTick: this.init.heartbeatTicks ?? 1,
        applied: this.applied,
        ...(this.init.randomInt !== undefined ? { randomInt: this.init.randomInt } : {}),
      },
    )
    if (this.isEmpty && this.init.bootstrap !== undefined && this.init.bootstrap.length > 0) {
      this.rn.bootstrap(this.init.bootstrap)
      this.log.info({ voters: this.init.bootstrap }, 'bootstrapping a new raft cluster')
    }
    const { transport } = this.components
    transport.on('messages:received', this.onMessages)
    transport.on('peer:unreachable', this.onUnreachable)
    transport.on('snapshot:status', this.onSnapshotStatus)
    this.running = true
    this.timer = setInterval(() => {
      this.rn.tick()
      this.kick()
    }, this.init.tickMs ?? 50)
    this.kick()
    await this.processing
  }

  async stop(): Promise<void> {
    if (!this.running) return
    this.running = false
    clearInterval(this.timer)
    const { transport } = this.components
    transport.off('messages:received', this.onMessages)
    transport.off('peer:unreachable', this.onUnreachable)
    transport.off('snapshot:status', this.onSnapshotStatus)
    await this.processing
    this.pending.abandonAll('raft node stopped', this.leaderHint())
    this.reads.rejectAll(() => new RaftStoppedError())
  }

  /** Propose a state-machine command; resolves with apply()'s result once applied here. */
  async propose(payload: Uint8Array): Promise<unknown> {
    this.requireLeader()
    const id = this.pending.nextId()
    const done = this.pending.wait(id, this.init.proposalTimeoutMs ?? 5000)
    try {
      this.rn.propose(encodeEnvelope(id, payload))
    } catch (err) {
      this.pending.reject(id, err instanceof ProposalDroppedError ? new NotLeaderError(this.rn.basicStatus().lead) : (err as Error))
    }
    this.kick()
    return done
  }

  /** Propose a membership change; resolves once it is applied here. */
  async proposeConfChange(cc: Omit<ConfChange, 'context'>): Promise<ConfState> {
    this.requireLeader()
    const id = this.pending.nextId()
    const done = this.pending.wait(id, this.init.proposalTimeoutMs ?? 5000)
    try {
      this.rn.proposeConfChange({ ...cc, context: new TextEncoder().encode(id) })
    } catch (err) {
      this.pending.reject(id, err as Error)
    }
    this.kick()
    return done as Promise<ConfState>
  }

  /**
   * Wait until this node's state machine reflects every write committed before the call. Rejects
   * with NotLeaderError (and the leader, when known) if the leader changes before it confirmed
   * the read or no leader answers in time, and with RaftStoppedError when the node stops.
   */
  async linearizableRead(timeoutMs = 5000): Promise<void> {
    if (!this.running) throw new RaftStoppedError()
    const id = this.pending.nextId()
    const done = this.reads.wait(id, timeoutMs, () => new NotLeaderError(this.rn.basicStatus().lead))
    try {
      this.rn.readIndex(new TextEncoder().encode(id))
    } catch {
      this.reads.reject(id, new NotLeaderError(this.rn.basicStatus().lead))
    }
    this.kick()
    return done
  }

  /** Whether this node has no raft state at all: it never bootstrapped nor joined a cluster. */
  get isEmpty(): boolean {
    const { storage } = this.components
    return storage.lastIndex() === 0 && storage.snapshot().metadata.index === 0 && storage.initialState().hardState.term === 0
  }

  /**
   * Form a new cluster with these voters, once, on a node with empty storage (used when the
   * voter set is only known after start, as with --bootstrap-expect). Returns false when this
   * node already has raft state, e.g. because a leader reached it first.
   */
  bootstrap(voters: NodeId[]): boolean {
    if (!this.running || !this.isEmpty) return false
    this.rn.bootstrap(voters)
    this.log.info({ voters }, 'bootstrapping a new raft cluster')
    this.kick()
    return true
  }

  transferLeadership(to: NodeId): void {
    this.rn.transferLeader(to)
    this.kick()
  }

  campaign(): void {
    this.rn.campaign()
    this.kick()
  }

  get isLeader(): boolean {
    return this.running && this.role === 'leader'
  }

  /** Leader whose own-term entry is applied, so the state machine holds every committed decision. */
  get isReadyLeader(): boolean {
    return this.isLeader && this.leaderReadyTerm === this.term
  }

  get appliedIndex(): number {
    return this.applied
  }

  status(): RaftStatus & { applied: number; snapshotIndex: number; snapshotsInstalled: number } {
    return { ...this.rn.status(), applied: this.applied, snapshotIndex: this.snapshotIndex, snapshotsInstalled: this.installed }
  }

  /** The leader a caller should retry with: the known one, unless that is this stopping node. */
  private leaderHint(): string {
    const lead = this.rn.basicStatus().lead
    return lead === this.init.id ? '' : lead
  }

  private requireLeader(): void {
    if (!this.running) throw new RaftStoppedError()
    const st = this.rn.basicStatus()
    if (st.role !== 'leader') throw new NotLeaderError(st.lead)
  }

  private receive(msgs: Message[]): void {
    if (!this.running) return
    for (const m of msgs) {
      try {
        this.rn.step(m)
      } catch (err) {
        this.log.warn({ err, type: m.type, from: m.from }, 'dropped a raft message')
      }
    }
    this.kick()
  }

  /** Run the Ready loop unless it is already running; one loop at a time keeps the order. */
  private kick(): void {
    if (this.processing !== undefined) {
      this.again = true
      return
    }
    this.processing = this.loop()
      .catch((err: unknown) => {
        // A failed durable write leaves the disk state unknown: stop rather than risk acknowledging it.
        this.log.fatal({ err }, 'raft ready loop failed; stopping raft')
        this.running = false
        clearInterval(this.timer)
        this.pending.abandonAll('raft failed')
        this.reads.rejectAll(() => new RaftStoppedError())
      })
      .finally(() => {
        this.processing = undefined
        if (this.again && this.running) {
          this.again = false
          this.kick()
        }
      })
  }

  private async loop(): Promise<void> {
    do {
      this.again = false
      while (this.running && this.rn.hasReady()) await this.handle(this.rn.ready())
    } while (this.again && this.running)
  }

  private async handle(rd: Ready): Promise<void> {
    const { storage, transport, stateMachine } = this.components
    // Appends and vote requests acknowledge nothing local: they go out while the local write runs,
    // so a leader's fsync and its followers' overlap instead of adding up.
    const early = rd.messages.slice(0, rd.sendBeforePersist)
    if (early.length > 0) transport.send(early)
    // 1. persist
    if (rd.snapshot !== undefined) await storage.applySnapshot(rd.snapshot)
    if (rd.entries.length > 0 || rd.hardState !== undefined) await storage.save(rd.hardState, rd.entries)
    if (rd.hardState !== undefined) this.term = rd.hardState.term
    // 2. send what acknowledges the now durable state (append and vote responses)
    const rest = rd.messages.slice(rd.sendBeforePersist)
    if (rest.length > 0) transport.send(rest)
    // 3. apply
    if (rd.snapshot !== undefined) {
      this.installed++
      this.log.info({ index: rd.snapshot.metadata.index }, 'installed a snapshot from the leader')
      stateMachine.restore(rd.snapshot.data, rd.snapshot.metadata.index)
      this.applied = this.snapshotIndex = rd.snapshot.metadata.index
      this.confState = rd.snapshot.metadata.confState
      this.emit('raft:config', this.confState)
    }
    // Read confirmations first: they were granted by a leader a quorum still acknowledged, so a
    // leader change in the same Ready does not void them.
    for (const rs of rd.readStates) this.reads.confirm(new TextDecoder().decode(rs.requestCtx), rs.index)
    if (rd.softState !== undefined) this.roleChanged(rd.softState)
    for (const e of rd.committedEntries) this.apply(e)
    this.reads.serve(this.applied)
    // 4. advance
    this.rn.advance(rd)
    if (rd.committedEntries.length > 0) {
      this.emit('raft:applied', this.applied)
      await this.maybeSnapshot()
    }
  }

  private apply(e: Entry): void {
    this.applied = e.index
    if (e.type === 'conf-change') {
      const cc = decodeConfChange(e.data)
      this.confState = this.rn.applyConfChange(cc)
      this.log.info({ index: e.index, voters: this.confState.voters, learners: this.confState.learners }, 'raft configuration changed')
      this.emit('raft:config', this.confState)
      if (cc.context !== undefined) this.pending.resolve(new TextDecoder().decode(cc.context), this.confState)
      return
    }
    if (this.role === 'leader' && e.term === this.term && this.leaderReadyTerm !== this.term) {
      this.leaderReadyTerm = this.term
      this.emit('raft:leader-ready', this.term)
    }
    if (e.data.length === 0) return
    let id: string
    let payload: Uint8Array
    try {
      ;({ id, payload } = decodeEnvelope(e.data))
    } catch (err) {
      if (err instanceof EnvelopeError) {
        this.log.error({ index: e.index, err: err.message }, 'skipped an undecodable raft entry')
        return
      }
      throw err
    }
    const result = this.components.stateMachine.apply(payload, e.index)
    this.pending.resolve(id, result)
  }

  private roleChanged(ss: SoftState): void {
    const wasLeader = this.role === 'leader'
    const leaderChanged = ss.lead !== this.lead
    this.role = ss.role
    this.lead = ss.lead
    if (wasLeader && ss.role !== 'leader') this.pending.abandonAll('lost leadership', ss.lead)
    // A leader stepping down also changes `lead` (it was itself), so this covers both cases.
    if (leaderChanged) this.reads.rejectUnconfirmed(() => new NotLeaderError(ss.lead))
    this.log.info({ role: ss.role, leader: ss.lead, term: this.rn.basicStatus().term }, 'raft role changed')
    this.term = this.rn.basicStatus().term
    this.emit('raft:role', ss)
  }

  private async maybeSnapshot(): Promise<void> {
    const every = this.init.snapshotEntries ?? 10_000
    if (this.applied - this.snapshotIndex < every) return
    const { storage, stateMachine } = this.components
    const index = this.applied
    await storage.createSnapshot(index, this.confState, stateMachine.snapshot())
    this.snapshotIndex = index
    const compactTo = Math.max(storage.firstIndex() - 1, index - (this.init.compactMargin ?? 1000))
    if (compactTo >= storage.firstIndex()) await storage.compact(compactTo)
    this.log.debug({ index, compactTo }, 'raft snapshot taken')
  }
}

function raftLogger(log: Logger): { debug(msg: string): void; info(msg: string): void; warn(msg: string): void } {
  return {
    debug: (msg) => log.debug(msg),
    info: (msg) => log.debug(msg),
    warn: (msg) => log.warn(msg),
  }
}
