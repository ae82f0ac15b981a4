// Raft's safety properties (Raft paper Figure 3), checked incrementally by the simulator after
// every event, plus the client-visible ones: acknowledged proposals survive, reads are
// linearizable. Each check is incremental so that thousands of seeds fit the time budget; a full
// pairwise comparison of the durable logs runs at the end of each run as a cross-check.

import type { RaftLogView } from '../../../consensus/core/raft-log.js'
import type { BasicStatus } from '../../../consensus/core/status.js'
import type { ConfState, Entry, NodeId } from '../../../consensus/core/types.js'
import type { MemoryStorage } from '../../../consensus/storage/memory-storage.js'

export type Invariant =
  | 'election-safety'
  | 'log-matching'
  | 'leader-completeness'
  | 'state-machine-safety'
  | 'acked-proposal-lost'
  | 'read-linearizability'
  | 'liveness'
  | 'core-error'

export class SafetyViolation extends Error {
  override name = 'SafetyViolation'
  constructor(
    readonly invariant: Invariant,
    detail: string,
  ) {
    super(`${invariant}: ${detail}`)
  }
}

const decoder = new TextDecoder()

/** Identity of an entry's content at a given index: term, type and data. */
export function entryKey(e: Entry): string {
  return `${e.term}|${e.type === 'conf-change' ? 'c' : 'n'}|${decoder.decode(e.data)}`
}

/** Running hash of an applied sequence (the state machine's fingerprint, kept in snapshots). */
export function chainHash(prev: number, key: string): number {
  let h = (prev ^ 0x811c9dc5) >>> 0
  for (let i = 0; i < key.length; i++) h = Math.imul(h ^ key.charCodeAt(i), 0x01000193) >>> 0
  return h
}

/** What the checker tracks per node between events. */
export interface NodeCheckState {
  /** Commit index up to which this node's log was compared with the committed history. */
  checkedCommit: number
  /** Leader completeness: term we last checked this node as leader in, and how far. */
  leaderTerm: number
  leaderVerified: number
}

export function freshCheckState(): NodeCheckState {
  return { checkedCommit: 0, leaderTerm: 0, leaderVerified: 1 }
}

export class SafetyChecker {
  private readonly leaderOfTerm = new Map<number, NodeId>()
  /** `${index}/${term}` -> `${prevTerm}|${key}` over every durable log ever written. */
  private readonly logIds = new Map<string, string>()
  /** The committed history: key and the lowest term at which each index was seen committed. */
  private readonly committed: string[] = []
  private readonly commitTerm: number[] = []
  maxCommitted = 1
  private readonly applied: string[] = []
  private readonly chainAt = new Map<number, number>()
  /** Configuration in effect after each index where some node applied or restored one. */
  private readonly confAt = new Map<number, string>()
  private readonly acked = new Map<string, { index: number; key: string }>()
  private readonly newAcks: string[] = []
  private readonly reads = new Map<string, number>()
  readsConfirmed = 0
  confChangesApplied = 0
  jointChangesApplied = 0

  constructor() {
    // Index 1 is the bootstrap snapshot: an empty state machine.
    this.chainAt.set(1, 0)
  }

  /** Election Safety: at most one leader per term, over the whole run. */
  observeRole(s: BasicStatus): void {
    if (s.role !== 'leader') return
    const prev = this.leaderOfTerm.get(s.term)
    if (prev === undefined) this.leaderOfTerm.set(s.term, s.id)
    else if (prev !== s.id) throw new SafetyViolation('election-safety', `term ${s.term} has two leaders: ${prev} and ${s.id}`)
  }

  leaderTerms(): number {
    return this.leaderOfTerm.size
  }

  /**
   * Log Matching on durable logs: entries with the same index and term have the same content and
   * the same predecessor term, hence (by induction) identical prefixes. Called after a write
   * became durable, with the disk image that now holds it.
   */
  onDurableEntries(node: NodeId, entries: Entry[], image: MemoryStorage): void {
    const first = image.firstIndex()
    for (const e of entries) {
      if (e.index < first) continue
      const id = `${e.index}/${e.term}`
      const value = `${image.term(e.index - 1)}|${entryKey(e)}`
      const prev = this.logIds.get(id)
      if (prev === undefined) this.logIds.set(id, value)
      else if (prev !== value) throw new SafetyViolation('log-matching', `${node} durably holds ${id} as [${value}], another log as [${prev}]`)
    }
  }

  /**
   * Every node's committed prefix agrees with the committed history (and extends it). Also
   * checks acknowledgements made since the last call against it.
   */
  observeCommit(node: NodeId, s: BasicStatus, log: RaftLogView, st: NodeCheckState): void {
    if (s.commit > st.checkedCommit) {
      const lo = Math.max(st.checkedCommit + 1, log.firstIndex())
      if (lo <= s.commit) {
        for (const e of log.slice(lo, s.commit + 1)) {
          const key = entryKey(e)
          const have = this.committed[e.index]
          if (have === undefined) {
            this.committed[e.index] = key
            this.commitTerm[e.index] = s.term
            if (e.index > this.maxCommitted) this.maxCommitted = e.index
          } else {
            if (have !== key) throw new SafetyViolation('state-machine-safety', `${node} committed [${key}] at ${e.index}, history has [${have}]`)
            if (s.term < this.commitTerm[e.index]!) this.commitTerm[e.index] = s.term
          }
        }
      }
      st.checkedCommit = s.commit
    }
    for (const id of this.newAcks) {
      const a = this.acked.get(id)!
      if (this.committed[a.index] !== a.key) {
        throw new SafetyViolation('acked-proposal-lost', `proposal ${id} acknowledged at ${a.index} but the committed history has [${this.committed[a.index]}]`)
      }
    }
    this.newAcks.length = 0
  }

  /**
   * Leader Completeness: a leader of term T holds every entry committed in a term <= T. Entries
   * below its log's first index are inside its snapshot, whose content the apply checks cover.
   */
  observeLeader(node: NodeId, s: BasicStatus, log: RaftLogView, st: NodeCheckState): void {
    if (s.role !== 'leader') return
    if (st.leaderTerm !== s.term) {
      st.leaderTerm = s.term
      st.leaderVerified = 1
    }
    let hi = st.leaderVerified
    while (hi < this.maxCommitted && this.commitTerm[hi + 1]! <= s.term) hi++
    if (hi === st.leaderVerified) return
    const lo = Math.max(st.leaderVerified + 1, log.firstIndex())
    if (hi > log.lastIndex()) {
      throw new SafetyViolation('leader-completeness', `leader ${node} of term ${s.term} ends at ${log.lastIndex()} but ${hi} is committed`)
    }
    if (lo <= hi) {
      for (const e of log.slice(lo, hi + 1)) {
        if (entryKey(e) !== this.committed[e.index]) {
          throw new SafetyViolation('leader-completeness', `leader ${node} of term ${s.term} has [${entryKey(e)}] at ${e.index}, committed was [${this.committed[e.index]}]`)
        }
      }
    }
    st.leaderVerified = hi
  }

  /** State Machine Safety: every node applies the same entry, and the same history, at an index. */
  onApply(node: NodeId, e: Entry, key: string, chain: number): void {
    const have = this.applied[e.index]
    if (have === undefined) {
      this.applied[e.index] = key
      if (e.type === 'conf-change') {
        this.confChangesApplied++
        if (key.includes('joint') || key.includes('],[')) this.jointChangesApplied++
      }
    } else if (have !== key) throw new SafetyViolation('state-machine-safety', `${node} applied [${key}] at ${e.index}, another node applied [${have}]`)
    this.checkChain(node, e.index, chain)
  }

  /** A node installed a snapshot: its state must be the one every node had at that index. */
  onSnapshotApply(node: NodeId, index: number, chain: number): void {
    if (index > this.maxCommitted) throw new SafetyViolation('state-machine-safety', `${node} installed a snapshot at ${index} beyond the committed ${this.maxCommitted}`)
    this.checkChain(node, index, chain)
  }

  private checkChain(node: NodeId, index: number, chain: number): void {
    const have = this.chainAt.get(index)
    if (have === undefined) this.chainAt.set(index, chain)
    else if (have !== chain) throw new SafetyViolation('state-machine-safety', `${node}'s state at ${index} differs from another node's`)
  }

  /**
   * The configuration is replicated state too: after applying the entry at `index` (or restoring a
   * snapshot there) every node must hold the same one.
   */
  onConfState(node: NodeId, index: number, cs: ConfState): void {
    const key = JSON.stringify(cs)
    const have = this.confAt.get(index)
    if (have === undefined) this.confAt.set(index, key)
    else if (have !== key) throw new SafetyViolation('state-machine-safety', `${node}'s configuration after ${index} is ${key}, another node's is ${have}`)
  }

  /** The proposer applied its own proposal: the client is told it succeeded. */
  onAck(id: string, index: number, key: string): void {
    this.acked.set(id, { index, key })
    this.newAcks.push(id)
  }

  ackedCount(): number {
    return this.acked.size
  }

  /** Every acknowledged proposal is in `log` (or below its snapshot) at its index. */
  checkAckedIn(node: NodeId, log: RaftLogView): void {
    const first = log.firstIndex()
    for (const [id, a] of this.acked) {
      if (a.index < first) continue
      if (a.index > log.lastIndex()) throw new SafetyViolation('acked-proposal-lost', `proposal ${id} (index ${a.index}) is missing from ${node}'s log`)
      const [e] = log.slice(a.index, a.index + 1)
      if (entryKey(e!) !== a.key) throw new SafetyViolation('acked-proposal-lost', `proposal ${id} at ${a.index} replaced by [${entryKey(e!)}] in ${node}'s log`)
    }
  }

  /** A linearizable read issued now must observe every entry committed so far. */
  onReadIssued(ctx: string): void {
    this.reads.set(ctx, this.maxCommitted)
  }

  onReadState(node: NodeId, ctx: string, index: number): void {
    const floor = this.reads.get(ctx)
    if (floor === undefined) return
    this.reads.delete(ctx)
    this.readsConfirmed++
    if (index < floor) throw new SafetyViolation('read-linearizability', `${node} read ${ctx} at index ${index}, but ${floor} was committed when it was issued`)
  }

  /** Cross-check: pairwise Log Matching over the final durable logs, entry by entry. */
  checkDurableLogsPairwise(logs: { node: NodeId; storage: MemoryStorage }[]): void {
    for (let a = 0; a < logs.length; a++) {
      for (let b = a + 1; b < logs.length; b++) {
        const x = logs[a]!.storage
        const y = logs[b]!.storage
        const lo = Math.max(x.firstIndex(), y.firstIndex())
        const hi = Math.min(x.lastIndex(), y.lastIndex())
        if (hi < lo) continue
        const ex = x.entries(lo, hi + 1)
        const ey = y.entries(lo, hi + 1)
        // Find the highest index where both agree on the term; everything up to it must be equal.
        let match = -1
        for (let i = ex.length - 1; i >= 0; i--) {
          if (ex[i]!.term === ey[i]!.term) {
            match = i
            break
          }
        }
        for (let i = 0; i <= match; i++) {
          if (entryKey(ex[i]!) !== entryKey(ey[i]!)) {
            throw new SafetyViolation('log-matching', `${logs[a]!.node} and ${logs[b]!.node} agree on the term at ${lo + match} but differ at ${lo + i}`)
          }
        }
      }
    }
  }
}
