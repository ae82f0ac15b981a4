// A synchronous in-memory cluster for unit tests: RawNodes over MemoryStorage, a message queue
// the test controls (deliver all, filter, drop), and a driver that follows the Ready contract.

import { decodeConfChange } from '../../../../consensus/core/conf-change.js'
import type { ReadState, Ready } from '../../../../consensus/core/ready.js'
import type { RawNodeInit } from '../../../../consensus/core/raw-node.js'
import { RawNode } from '../../../../consensus/core/raw-node.js'
import type { BasicStatus, RaftStatus } from '../../../../consensus/core/status.js'
import type { ConfState, Entry, HardState, Message, NodeId } from '../../../../consensus/core/types.js'
import { emptyConfState } from '../../../../consensus/core/types.js'
import { MemoryStorage } from '../../../../consensus/storage/memory-storage.js'
import { persistReady } from './persist-ready.js'

export interface TestNode {
  id: NodeId
  rn: RawNode
  storage: MemoryStorage
  /** Normal entries applied, as text (empty no-op entries included as ''). */
  applied: string[]
  appliedIndex: number
  confState: ConfState
  readStates: ReadState[]
  readies: Ready[]
}

export interface ClusterOptions {
  voters: NodeId[]
  /** Nodes created with empty storage (they join through conf changes). */
  extra?: NodeId[]
  /** Defaults for every node: electionTick 10, no jitter, preVote/checkQuorum off unless set. */
  init?: Partial<RawNodeInit>
}

const encoder = new TextEncoder()
const decoder = new TextDecoder()

export class TestCluster {
  readonly nodes = new Map<NodeId, TestNode>()
  /** Messages sent and not yet delivered. */
  queue: Message[] = []
  /** Messages for which this returns true are dropped when delivered. */
  drop: (m: Message) => boolean = () => false
  private readonly init: Partial<RawNodeInit>

  constructor(opts: ClusterOptions) {
    this.init = { electionTick: 10, heartbeatTick: 1, preVote: false, checkQuorum: false, randomInt: () => 0, ...opts.init }
    for (const id of opts.voters) {
      const n = this.add(id)
      n.rn.bootstrap(opts.voters)
      this.processReady(id)
    }
    for (const id of opts.extra ?? []) this.add(id)
  }

  add(id: NodeId, storage = new MemoryStorage(), applied = storage.snapshot().metadata.index): TestNode {
    const n: TestNode = {
      id,
      rn: new RawNode({ storage }, { ...this.init, id, applied }),
      storage,
      applied: [],
      appliedIndex: applied,
      confState: storage.snapshot().metadata.confState ?? emptyConfState(),
      readStates: [],
      readies: [],
    }
    this.nodes.set(id, n)
    return n
  }

  node(id: NodeId): TestNode {
    const n = this.nodes.get(id)
    if (n === undefined) throw new Error(`no node ${id}`)
    return n
  }

  /** Crash and restart `id` from its storage (which holds everything persisted). */
  restart(id: NodeId, init: Partial<RawNodeInit> = {}): TestNode {
    const old = this.node(id)
    const applied = old.storage.snapshot().metadata.index
    const n: TestNode = { ...old, rn: new RawNode({ storage: old.storage }, { ...this.init, ...init, id, applied }), appliedIndex: applied, applied: [], readStates: [], readies: [] }
    this.nodes.set(id, n)
    this.queue = this.queue.filter((m) => m.to !== id)
    return n
  }

  status(id: NodeId): RaftStatus {
    return this.node(id).rn.status()
  }

  basic(id: NodeId): BasicStatus {
    return this.node(id).rn.basicStatus()
  }

  tick(id: NodeId, n = 1): void {
    for (let i = 0; i < n; i++) this.node(id).rn.tick()
  }

  propose(id: NodeId, text: string): void {
    this.node(id).rn.propose(encoder.encode(text))
  }

  /** Handle one Ready of `id` as a driver must: persist, send, apply, advance. */
  processReady(id: NodeId): Ready | undefined {
    const n = this.node(id)
    if (!n.rn.hasReady()) return undefined
    const rd = n.rn.ready()
    n.readies.push(rd)
    persistReady(n.storage, rd)
    this.queue.push(...rd.messages)
    if (rd.snapshot !== undefined) {
      n.appliedIndex = rd.snapshot.metadata.index
      n.confState = rd.snapshot.metadata.confState
    }
    for (const e of rd.committedEntries) this.apply(n, e)
    n.readStates.push(...rd.readStates)
    n.rn.advance(rd)
    return rd
  }

  private apply(n: TestNode, e: Entry): void {
    if (e.index !== n.appliedIndex + 1) throw new Error(`${n.id} applies ${e.index} after ${n.appliedIndex}`)
    n.appliedIndex = e.index
    if (e.type === 'conf-change') n.confState = n.rn.applyConfChange(decodeConfChange(e.data))
    else n.applied.push(decoder.decode(e.data))
  }

  /** Deliver queued messages that match `filter` (all by default); returns how many. */
  deliver(filter: (m: Message) => boolean = () => true): number {
    const now = this.queue.filter(filter)
    this.queue = this.queue.filter((m) => !filter(m))
    for (const m of now) {
      if (this.drop(m)) continue
      const to = this.nodes.get(m.to)
      if (to !== undefined) to.rn.step(m)
    }
    return now.length
  }

  /** Process readies and deliver messages until nothing moves. */
  stabilize(maxRounds = 1000): void {
    for (let round = 0; round < maxRounds; round++) {
      let moved = false
      for (const id of this.nodes.keys()) if (this.processReady(id) !== undefined) moved = true
      if (this.deliver() > 0) moved = true
      if (!moved) return
    }
    throw new Error('cluster did not stabilize')
  }

  /** Cut `id` off from everyone (both directions). */
  isolate(...ids: NodeId[]): void {
    const cut = new Set(ids)
    this.drop = (m) => cut.has(m.from) !== cut.has(m.to)
  }

  heal(): void {
    this.drop = () => false
  }

  /** Elect `id` (campaign and stabilize); throws if it did not win. */
  elect(id: NodeId): void {
    this.node(id).rn.campaign()
    this.stabilize()
    if (this.basic(id).role !== 'leader') throw new Error(`${id} did not become leader`)
  }

  leaders(): NodeId[] {
    return [...this.nodes.keys()].filter((id) => this.basic(id).role === 'leader')
  }

  log(id: NodeId): string[] {
    const view = this.node(id).rn.logView()
    if (view.lastIndex() < view.firstIndex()) return []
    return view.slice(view.firstIndex(), view.lastIndex() + 1).map((e) => `${e.term}/${e.index}:${e.type === 'conf-change' ? 'cc' : decoder.decode(e.data)}`)
  }
}

/** Storage preloaded as after a bootstrap with `voters`, holding `terms` as entries 2.. and `hs`. */
export function storageWithLog(voters: NodeId[], terms: number[], hs: Partial<HardState> = {}): MemoryStorage {
  const s = new MemoryStorage()
  s.installSnapshot({ metadata: { index: 1, term: 1, confState: { ...emptyConfState(), voters } }, data: new Uint8Array(0) })
  s.append(terms.map((term, i) => ({ term, index: i + 2, type: 'normal' as const, data: encoder.encode(`t${term}i${i + 2}`) })))
  s.setHardState({ term: Math.max(1, ...terms), vote: '', commit: 1, ...hs })
  return s
}
