// Wire-independent Raft types, after etcd's raftpb. Node ids are libp2p peer id strings so that
// the consensus layer and the p2p layer name members the same way.

export type NodeId = string

/** The empty id: "no vote", "no leader". */
export const NONE: NodeId = ''

export type EntryType = 'normal' | 'conf-change'

export interface Entry {
  term: number
  index: number
  type: EntryType
  /** Opaque command bytes; for 'conf-change' an encoded ConfChange (see conf-change.ts). */
  data: Uint8Array
}

export interface HardState {
  term: number
  vote: NodeId
  commit: number
}

export interface ConfState {
  voters: NodeId[]
  learners: NodeId[]
  /** Voters of the outgoing config while in a joint configuration; empty otherwise. */
  votersOutgoing: NodeId[]
  /** Learners that become learners once the joint config is left (they are outgoing voters now). */
  learnersNext: NodeId[]
  /** Leave the joint config automatically once it is committed. */
  autoLeave: boolean
}

export interface SnapshotMetadata {
  index: number
  term: number
  confState: ConfState
}

export interface Snapshot {
  metadata: SnapshotMetadata
  data: Uint8Array
}

export type MessageType =
  // local inputs (never sent over the wire)
  | 'hup' // election timeout elapsed / campaign now
  | 'beat' // heartbeat timeout elapsed on the leader
  | 'prop' // propose entries (also forwarded follower -> leader)
  | 'check-quorum'
  | 'unreachable'
  | 'snap-status'
  // wire messages
  | 'app'
  | 'app-resp'
  | 'vote'
  | 'vote-resp'
  | 'pre-vote'
  | 'pre-vote-resp'
  | 'snap'
  | 'heartbeat'
  | 'heartbeat-resp'
  | 'transfer-leader'
  | 'timeout-now'
  | 'read-index'
  | 'read-index-resp'

/**
 * One shape for every message, as in etcd: fields a type does not use stay at their zero value.
 * A uniform shape keeps the binary codec and the simulator simple.
 */
export interface Message {
  type: MessageType
  to: NodeId
  from: NodeId
  term: number
  /** Term of the entry at `index` (app: the entry preceding `entries`; vote: last log term). */
  logTerm: number
  index: number
  entries: Entry[]
  commit: number
  snapshot?: Snapshot
  reject: boolean
  /** On a rejected app-resp: the follower's hint for fast backtracking. */
  rejectHint: number
  /** Opaque context: read-index request ids, campaign-transfer marker. */
  context: Uint8Array
}

export const EMPTY_BYTES: Uint8Array = new Uint8Array(0)

/** Build a message with zero values for every field not given. */
export function message(fields: Partial<Message> & Pick<Message, 'type'>): Message {
  return {
    to: NONE,
    from: NONE,
    term: 0,
    logTerm: 0,
    index: 0,
    entries: [],
    commit: 0,
    reject: false,
    rejectHint: 0,
    context: EMPTY_BYTES,
    ...fields,
  }
}

export function emptyConfState(): ConfState {
  return { voters: [], learners: [], votersOutgoing: [], learnersNext: [], autoLeave: false }
}

export function emptyHardState(): HardState {
  return { term: 0, vote: NONE, commit: 0 }
}

export function isEmptyHardState(hs: HardState): boolean {
  return hs.term === 0 && hs.vote === NONE && hs.commit === 0
}

export function isEmptySnapshot(snap: Snapshot | undefined): boolean {
  return snap === undefined || snap.metadata.index === 0
}
