// The deterministic cluster simulation: N nodes on a fake clock, a faulty network, crashes and
// restarts, membership changes, compaction, transfers and reads, with Raft's safety properties
// checked after every event. One run is a pure function of its parameters (and so of its seed).

import { Prng } from '../../../lib/prng.js'
import { ProposalDroppedError } from '../../../consensus/core/errors.js'
import type { BasicStatus } from '../../../consensus/core/status.js'
import type { Entry, Message, NodeId } from '../../../consensus/core/types.js'
import { EventQueue } from './event-queue.js'
import { chaosTick } from './chaos.js'
import { SafetyChecker, SafetyViolation } from './invariants.js'
import type { Invariant } from './invariants.js'
import { LivenessPhase } from './liveness.js'
import { SimNetwork } from './network.js'
import { CRASH_POINTS, SimNode } from './sim-node.js'
import type { CrashPoint, SimNodeHost } from './sim-node.js'
import type { SimParams } from './sim-params.js'
import { TICK } from './sim-params.js'

type SimEvent =
  | { kind: 'tick'; node: SimNode; epoch: number }
  | { kind: 'deliver'; msg: Message }
  | { kind: 'ready'; node: SimNode; epoch: number }
  | { kind: 'finish-ready'; node: SimNode; epoch: number; crashAt: CrashPoint | undefined }
  | { kind: 'report'; from: NodeId; to: NodeId; snapshot: boolean; ok: boolean }
  | { kind: 'strike'; node: SimNode; epoch: number }
  | { kind: 'chaos' }
  | { kind: 'liveness' }

export interface SimStats {
  events: number
  messagesSent: number
  messagesDropped: number
  leaderTerms: number
  proposals: number
  acked: number
  crashes: number
  snapshotsSent: number
  /** Conf changes proposed, and distinct ones applied (joint ones counted apart). */
  confChanges: number
  confChangesApplied: number
  jointChangesApplied: number
  readyCrashes: number
  readsConfirmed: number
  /** Ticks from the end of the faults until a leader committed and applied a new entry. */
  recoveryTicks: number
  /** Ticks from the end of the faults until every member had applied everything committed. */
  catchUpTicks: number
}

export interface SimResult {
  params: SimParams
  ok: boolean
  invariant?: Invariant
  message?: string
  traceHash: number
  stats: SimStats
}

const encoder = new TextEncoder()

export class Simulation implements SimNodeHost {
  readonly prng: Prng
  readonly checker = new SafetyChecker()
  readonly nodes: SimNode[] = []
  readonly network: SimNetwork
  /** Client proposals in flight: data -> proposing node. */
  readonly pending = new Map<string, NodeId>()
  now = 0
  proposalSeq = 0
  readSeq = 0
  private readonly queue = new EventQueue<SimEvent>()
  /** Highest term seen with a leader, to notice new leaders. */
  private leaderTerm = 0
  private trace = 0x811c9dc5
  private liveness: LivenessPhase | undefined = undefined
  private done = false
  readonly stats: SimStats = {
    events: 0,
    messagesSent: 0,
    messagesDropped: 0,
    leaderTerms: 0,
    proposals: 0,
    acked: 0,
    crashes: 0,
    snapshotsSent: 0,
    confChanges: 0,
    confChangesApplied: 0,
    jointChangesApplied: 0,
    readyCrashes: 0,
    readsConfirmed: 0,
    recoveryTicks: -1,
    catchUpTicks: -1,
  }

  constructor(readonly params: SimParams) {
    this.prng = new Prng(params.seed)
    this.network = new SimNetwork(this.prng, { dropRate: params.dropRate, dupRate: params.dupRate, minDelay: params.minDelay, maxDelay: params.maxDelay })
    for (let i = 1; i <= params.voters + params.spares; i++) this.nodes.push(new SimNode(`n${i}`, this))
  }

  run(): SimResult {
    try {
      this.setup()
      this.loop()
      this.finalChecks()
      return this.result(undefined)
    } catch (err) {
      return this.result(err)
    }
  }

  private result(err: unknown): SimResult {
    this.stats.messagesSent = this.network.sent
    this.stats.messagesDropped = this.network.dropped
    this.stats.leaderTerms = this.checker.leaderTerms()
    this.stats.acked = this.checker.ackedCount()
    this.stats.readsConfirmed = this.checker.readsConfirmed
    this.stats.confChangesApplied = this.checker.confChangesApplied
    this.stats.jointChangesApplied = this.checker.jointChangesApplied
    this.stats.crashes = this.nodes.reduce((n, x) => n + x.crashes, 0)
    const base = { params: this.params, traceHash: this.trace >>> 0, stats: this.stats }
    if (err === undefined) return { ...base, ok: true }
    if (err instanceof SafetyViolation) return { ...base, ok: false, invariant: err.invariant, message: `${err.message} (at time ${this.now})` }
    const e = err instanceof Error ? err : new Error(String(err))
    return { ...base, ok: false, invariant: 'core-error', message: `${e.name}: ${e.message} (at time ${this.now})\n${e.stack ?? ''}` }
  }

  private setup(): void {
    const voters = this.nodes.slice(0, this.params.voters).map((n) => n.id)
    for (const n of this.nodes) {
      n.start()
      if (voters.includes(n.id)) n.bootstrap(voters)
      this.scheduleReady(n)
      this.scheduleTick(n, this.prng.int(0, TICK))
    }
    for (let t = 1; t <= this.params.steps; t++) this.queue.push(t * TICK, { kind: 'chaos' })
    this.queue.push(this.params.steps * TICK + 1, { kind: 'liveness' })
  }

  private loop(): void {
    for (;;) {
      const ev = this.queue.pop()
      if (ev === undefined) throw new Error('event queue ran dry')
      this.now = ev.time
      this.stats.events++
      this.handle(ev.item)
      this.checkAll()
      if (this.done) return
    }
  }

  private handle(ev: SimEvent): void {
    switch (ev.kind) {
      case 'tick': {
        const n = ev.node
        if (!n.alive || n.epoch !== ev.epoch) return
        this.mix(1, n)
        n.rawNode!.tick()
        this.scheduleReady(n)
        this.scheduleTick(n, this.now + TICK)
        return
      }
      case 'deliver':
        return this.deliver(ev.msg)
      case 'ready': {
        const n = ev.node
        if (!n.alive || n.epoch !== ev.epoch) return
        n.readyScheduled = false
        if (!n.rawNode!.hasReady()) return
        this.mix(3, n)
        const crashAt = this.liveness === undefined && this.prng.chance(this.params.pReadyCrash) ? this.prng.pick(CRASH_POINTS) : undefined
        if (crashAt !== undefined) this.stats.readyCrashes++
        if (n.beginReady(crashAt)) {
          this.queue.push(this.now + this.prng.int(0, 4), { kind: 'finish-ready', node: n, epoch: n.epoch, crashAt })
        }
        return
      }
      case 'finish-ready': {
        const n = ev.node
        if (!n.alive || n.epoch !== ev.epoch) return
        this.mix(4, n)
        n.finishReady(ev.crashAt)
        if (n.alive) this.scheduleReady(n)
        return
      }
      case 'report': {
        // The transport's feedback to the sender: snapshot outcome, or an unreachable peer.
        const n = this.node(ev.from)
        if (n === undefined || !n.alive) return
        if (ev.snapshot) n.rawNode!.reportSnapshot(ev.to, ev.ok)
        else n.rawNode!.reportUnreachable(ev.to)
        this.scheduleReady(n)
        return
      }
      case 'strike': {
        const n = ev.node
        if (!n.alive || n.epoch !== ev.epoch || this.liveness !== undefined) return
        if (this.prng.chance(0.5)) n.crash()
        else this.network.split([[n.id], this.nodes.map((x) => x.id).filter((id) => id !== n.id)])
        return
      }
      case 'chaos':
        chaosTick(this)
        return
      case 'liveness':
        this.liveness ??= new LivenessPhase(this)
        if (this.liveness.tick()) this.done = true
        else this.queue.push(this.now + TICK, { kind: 'liveness' })
        return
    }
  }

  private deliver(m: Message): void {
    const n = this.node(m.to)
    if (n === undefined || !n.alive || !this.network.canDeliver(m)) {
      this.reportFailure(m)
      return
    }
    this.mix(2, n, m)
    // A copy, as a real transport would decode one: duplicates must not share mutations.
    n.rawNode!.step({ ...m })
    this.scheduleReady(n)
    if (m.type === 'snap') {
      this.stats.snapshotsSent++
      this.queue.push(this.now + 1, { kind: 'report', from: m.from, to: m.to, snapshot: true, ok: true })
    }
  }

  send(m: Message): void {
    const delays = this.network.delays()
    for (const d of delays) this.queue.push(this.now + d, { kind: 'deliver', msg: m })
    if (delays.length === 0) this.reportFailure(m)
  }

  /**
   * Like a connection-based transport, tell the sender about some failures: always for
   * snapshots (Raft pauses the follower until it hears), sometimes as "unreachable" otherwise.
   */
  private reportFailure(m: Message): void {
    if (m.type === 'snap') this.queue.push(this.now + this.prng.int(1, TICK), { kind: 'report', from: m.from, to: m.to, snapshot: true, ok: false })
    else if (this.prng.chance(0.2)) this.queue.push(this.now + this.prng.int(1, TICK), { kind: 'report', from: m.from, to: m.to, snapshot: false, ok: false })
  }

  onApplied(node: SimNode, e: Entry, key: string): void {
    const data = key.slice(key.indexOf('|', key.indexOf('|') + 1) + 1)
    if (this.pending.get(data) === node.id) {
      this.pending.delete(data)
      this.checker.onAck(data, e.index, key)
    }
  }

  node(id: NodeId): SimNode | undefined {
    return this.nodes.find((n) => n.id === id)
  }

  scheduleReady(n: SimNode): void {
    if (!n.alive || n.readyScheduled || n.pendingReady !== undefined || !n.rawNode!.hasReady()) return
    n.readyScheduled = true
    this.queue.push(this.now + this.prng.int(0, 3), { kind: 'ready', node: n, epoch: n.epoch })
  }

  private scheduleTick(n: SimNode, at: number): void {
    this.queue.push(at, { kind: 'tick', node: n, epoch: n.epoch })
  }

  restart(n: SimNode): void {
    n.start()
    this.scheduleReady(n)
    this.scheduleTick(n, this.now + 1 + this.prng.int(0, TICK))
  }

  /** The alive leader with the highest term, if any. */
  leader(): { node: SimNode; status: BasicStatus } | undefined {
    let best: { node: SimNode; status: BasicStatus } | undefined
    for (const n of this.nodes) {
      if (!n.alive) continue
      const s = n.rawNode!.basicStatus()
      if (s.role === 'leader' && (best === undefined || s.term > best.status.term)) best = { node: n, status: s }
    }
    return best
  }

  /** Propose a client command on `n`; it is acknowledged when `n` applies it. */
  propose(n: SimNode, data: string): boolean {
    try {
      n.rawNode!.propose(encoder.encode(data))
    } catch (err) {
      if (err instanceof ProposalDroppedError) return false
      throw err
    }
    this.pending.set(data, n.id)
    this.stats.proposals++
    this.scheduleReady(n)
    return true
  }

  /** Run every invariant that can have changed. */
  private checkAll(): void {
    const c = this.checker
    for (const n of this.nodes) {
      if (!n.alive) continue
      const rn = n.rawNode!
      const s = rn.basicStatus()
      c.observeRole(s)
      if (s.role === 'leader' && s.term > this.leaderTerm) {
        this.leaderTerm = s.term
        if (this.liveness === undefined && this.prng.chance(this.params.pStrikeNewLeader)) {
          this.queue.push(this.now + this.prng.int(1, 2 * TICK), { kind: 'strike', node: n, epoch: n.epoch })
        }
      }
      const log = rn.logView()
      c.observeCommit(n.id, s, log, n.check)
      c.observeLeader(n.id, s, log, n.check)
    }
  }

  private finalChecks(): void {
    const lead = this.leader()
    if (lead !== undefined) this.checker.checkAckedIn(lead.node.id, lead.node.rawNode!.logView())
    this.checker.checkDurableLogsPairwise(this.nodes.map((n) => ({ node: n.id, storage: n.disk.durable() })))
  }

  /** Fold an event into the trace hash that replay tests compare. */
  private mix(kind: number, n: SimNode, m?: Message): void {
    let h = this.trace
    const add = (x: number): void => {
      h = Math.imul(h ^ (x & 0xffff), 0x01000193) >>> 0
      h = Math.imul(h ^ (x >>> 16), 0x01000193) >>> 0
    }
    add(this.now)
    add(kind)
    add(this.nodes.indexOf(n))
    if (m !== undefined) {
      add(m.type.length * 31 + m.type.charCodeAt(0))
      add(m.term)
      add(m.index)
      add(m.commit)
      add(m.entries.length)
    }
    this.trace = h
  }
}
