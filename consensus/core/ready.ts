// What the core hands the driver after each batch of inputs, after etcd's Ready.

import type { Entry, HardState, Message, NodeId, Snapshot } from './types.js'

export type Role = 'follower' | 'pre-candidate' | 'candidate' | 'leader'

/** Volatile state, useful for logs and status; never persisted. */
export interface SoftState {
  lead: NodeId
  role: Role
}

/** A linearizable read may be served once the state machine has applied `index`. */
export interface ReadState {
  index: number
  /** The context passed to readIndex(); identifies the request. */
  requestCtx: Uint8Array
}

/**
 * The driver handles a Ready in this order:
 *   1. persist `snapshot`, `entries` and `hardState` (one durable write; fsync when `mustSync`),
 *   2. send `messages`,
 *   3. apply `snapshot` then `committedEntries` to the state machine (calling applyConfChange for
 *      'conf-change' entries), serve `readStates` once applied reaches their index,
 *   4. call advance(rd).
 */
export interface Ready {
  /** Set when lead or role changed since the previous Ready. */
  softState?: SoftState
  /** Set when term, vote or commit changed since the previous Ready. */
  hardState?: HardState
  readStates: ReadState[]
  /** Entries to append to stable storage; they replace any stored entries from their first index on. */
  entries: Entry[]
  /** A snapshot from the leader to persist and apply; the stored log up to its index is discarded. */
  snapshot?: Snapshot
  /** Committed entries to apply, in order. They may also be in `entries` (persist first). */
  committedEntries: Entry[]
  /** Messages to send, only after step 1 is durable: some acknowledge the persisted state. */
  messages: Message[]
  /**
   * The first `sendBeforePersist` entries of `messages` acknowledge nothing local (the leader's
   * appends and heartbeats, vote requests): the driver may send them while step 1 is still being
   * written, as etcd does (Raft thesis §10.2.1) — a node counts its own copy only once durable.
   */
  sendBeforePersist: number
  /**
   * Whether step 1 must be fsynced before step 2. False only when nothing but the commit index
   * changed, which Raft can recover after a crash.
   */
  mustSync: boolean
}

export function isEmptyReady(rd: Ready): boolean {
  return (
    rd.softState === undefined &&
    rd.hardState === undefined &&
    rd.snapshot === undefined &&
    rd.entries.length === 0 &&
    rd.committedEntries.length === 0 &&
    rd.messages.length === 0 &&
    rd.readStates.length === 0
  )
}
