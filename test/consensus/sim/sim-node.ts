// One simulated node: a RawNode driven exactly as a real driver must drive it (persist, send,
// apply, advance), a disk that loses unsynced writes on a crash, and a state machine whose
// fingerprint is a running hash of the applied entries.

import type { Prng } from '../../../lib/prng.js'
import { decodeConfChange } from '../../../consensus/core/conf-change.js'
import type { Ready } from '../../../consensus/core/ready.js'
import { RawNode } from '../../../consensus/core/raw-node.js'
import type { ConfState, Entry, Message, NodeId } from '../../../consensus/core/types.js'
import { emptyConfState } from '../../../consensus/core/types.js'
import type { MemoryStorage } from '../../../consensus/storage/memory-storage.js'
import type { NodeCheckState, SafetyChecker } from './invariants.js'
import { chainHash, entryKey, freshCheckState } from './invariants.js'
import { applyWrite, SimDisk } from './sim-disk.js'
import type { SimParams } from './sim-params.js'

/** Where a crash may interrupt the handling of a Ready. */
export type CrashPoint = 'before-persist' | 'after-persist' | 'mid-send' | 'after-send' | 'mid-apply' | 'before-advance'

export const CRASH_POINTS: readonly CrashPoint[] = ['before-persist', 'after-persist', 'mid-send', 'after-send', 'mid-apply', 'before-advance']

/** What a node needs from the simulation around it. */
export interface SimNodeHost {
  readonly params: SimParams
  readonly prng: Prng
  readonly checker: SafetyChecker
  send(m: Message): void
  /** A normal entry was applied on `node`: acknowledge it if it is that node's proposal. */
  onApplied(node: SimNode, e: Entry, key: string): void
}

const encoder = new TextEncoder()
const decoder = new TextDecoder()

export class SimNode {
  alive = false
  rawNode: RawNode | undefined = undefined
  /** The node's in-memory storage (what RawNode reads); rebuilt from disk on restart. */
  storage: MemoryStorage | undefined = undefined
  readonly disk: SimDisk
  /** Bumped on every crash, so events scheduled for a previous life are ignored. */
  epoch = 0
  readyScheduled = false
  /** A Ready persisted and sent, not yet applied and advanced. */
  pendingReady: Ready | undefined = undefined
  // State machine (volatile; rebuilt from the snapshot on restart).
  applied = 0
  chain = 0
  confState: ConfState = emptyConfState()
  check: NodeCheckState = freshCheckState()
  crashes = 0

  constructor(
    readonly id: NodeId,
    private readonly host: SimNodeHost,
  ) {
    this.disk = new SimDisk((w, image) => {
      if (w.kind === 'ready' && w.entries.length > 0) host.checker.onDurableEntries(id, w.entries, image)
    })
  }

  /** Start (or restart) from what the disk holds. */
  start(): void {
    const storage = this.disk.load()
    const snap = storage.snapshot()
    this.storage = storage
    this.applied = snap.metadata.index
    this.confState = snap.metadata.confState
    this.chain = snap.metadata.index === 0 ? 0 : decodeSnapshotState(snap.data).chain
    this.check = freshCheckState()
    const p = this.host.params
    const prng = this.host.prng
    this.rawNode = new RawNode(
      { storage },
      {
        id: this.id,
        electionTick: p.electionTick,
        heartbeatTick: p.heartbeatTick,
        preVote: p.preVote,
        checkQuorum: p.checkQuorum,
        maxInflightMsgs: p.maxInflightMsgs,
        maxSizePerMsg: p.maxSizePerMsg,
        randomInt: (n) => prng.int(0, n),
        applied: this.applied,
      },
    )
    this.alive = true
    this.readyScheduled = false
  }

  bootstrap(voters: NodeId[]): void {
    this.rawNode!.bootstrap(voters)
  }

  crash(): void {
    this.alive = false
    this.rawNode = undefined
    this.storage = undefined
    this.pendingReady = undefined
    this.epoch++
    this.crashes++
    this.disk.crash(this.host.prng)
  }

  /**
   * First half of handling a Ready, in the order Raft requires: take it, send what may go early,
   * persist, send the rest. The
   * second half (apply, advance) runs as a later event, so that messages and ticks can reach the
   * node in between, as with a driver awaiting its fsync. With `crashAt` the node dies at that
   * point and whatever was not yet durable is lost. True when finishReady must follow.
   */
  beginReady(crashAt: CrashPoint | undefined): boolean {
    const rd = this.rawNode!.ready()
    // 0. What acknowledges nothing local goes out before the write, as the real driver does; a
    // crash at 'before-persist' then leaves those messages delivered but nothing durable.
    for (let i = 0; i < rd.sendBeforePersist; i++) this.host.send(rd.messages[i]!)
    if (crashAt === 'before-persist') return this.crashed()

    // 1. Persist: one write, fsynced when Raft says so. The in-memory storage sees it at once.
    const write = { kind: 'ready' as const, snapshot: rd.snapshot, entries: rd.entries, hardState: rd.hardState }
    if (rd.snapshot !== undefined || rd.entries.length > 0 || rd.hardState !== undefined) {
      applyWrite(this.storage!, write)
      this.disk.write(write, rd.mustSync)
    }
    if (crashAt === 'after-persist') return this.crashed()

    // 2. Send.
    const cut = crashAt === 'mid-send' ? this.host.prng.int(rd.sendBeforePersist, rd.messages.length + 1) : Infinity
    for (let i = rd.sendBeforePersist; i < rd.messages.length; i++) {
      if (i === cut) return this.crashed()
      this.host.send(rd.messages[i]!)
    }
    if (crashAt === 'after-send' || crashAt === 'mid-send') return this.crashed()
    this.pendingReady = rd
    return true
  }

  /** Second half: apply the snapshot and committed entries, then advance. */
  finishReady(crashAt: CrashPoint | undefined): void {
    const rd = this.pendingReady!
    this.pendingReady = undefined
    this.apply(rd, crashAt === 'mid-apply')
    if (!this.alive) return
    if (crashAt === 'before-advance') return this.crash()
    this.rawNode!.advance(rd)
  }

  private crashed(): false {
    this.crash()
    return false
  }

  private apply(rd: Ready, crashMidway: boolean): void {
    const checker = this.host.checker
    if (rd.snapshot !== undefined) {
      const st = decodeSnapshotState(rd.snapshot.data)
      this.applied = rd.snapshot.metadata.index
      this.chain = st.chain
      this.confState = rd.snapshot.metadata.confState
      checker.onSnapshotApply(this.id, this.applied, this.chain)
      checker.onConfState(this.id, this.applied, this.confState)
    }
    const cut = crashMidway ? this.host.prng.int(0, rd.committedEntries.length + 1) : Infinity
    for (let i = 0; i < rd.committedEntries.length; i++) {
      if (i === cut) return this.crash()
      const e = rd.committedEntries[i]!
      if (e.index !== this.applied + 1) throw new Error(`${this.id} applies ${e.index} after ${this.applied}`)
      const key = entryKey(e)
      this.chain = chainHash(this.chain, key)
      this.applied = e.index
      checker.onApply(this.id, e, key, this.chain)
      if (e.type === 'conf-change') {
        this.confState = this.rawNode!.applyConfChange(decodeConfChange(e.data))
        checker.onConfState(this.id, e.index, this.confState)
      } else {
        this.host.onApplied(this, e, key)
      }
    }
    if (crashMidway) return this.crash()
    for (const rs of rd.readStates) checker.onReadState(this.id, decoder.decode(rs.requestCtx), rs.index)
  }

  /**
   * Snapshot the state machine at the applied index and compact the log up to `applied - keep`,
   * as a driver does to bound its log. The write is not fsynced on its own.
   */
  compact(keep: number): boolean {
    const storage = this.storage!
    if (this.applied <= storage.snapshot().metadata.index) return false
    const compactTo = Math.max(storage.firstIndex() - 1, this.applied - keep)
    const write = { kind: 'compact' as const, index: this.applied, confState: this.confState, data: encodeSnapshotState({ chain: this.chain }), compactTo }
    applyWrite(storage, write)
    this.disk.write(write, false)
    return true
  }
}

interface SnapshotState {
  chain: number
}

function encodeSnapshotState(s: SnapshotState): Uint8Array {
  return encoder.encode(JSON.stringify(s))
}

function decodeSnapshotState(data: Uint8Array): SnapshotState {
  // The bootstrap snapshot carries no data: the empty state machine.
  if (data.length === 0) return { chain: 0 }
  return JSON.parse(decoder.decode(data)) as SnapshotState
}
