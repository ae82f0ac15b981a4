// Errors the Raft core throws. One class per failure so that drivers branch on the class, never on
// the message text.

import type { NodeId } from './types.js'

export type ProposalDropReason =
  | 'no-leader'
  | 'leadership-transfer'
  | 'not-member'
  | 'uncommitted-limit'
  | 'forwarding-disabled'

/**
 * A proposal that will not enter the log. The proposer can retry elsewhere; `lead` is the leader
 * this node knows of, if any, so a driver can report NotLeader with a hint.
 */
export class ProposalDroppedError extends Error {
  override name = 'ProposalDroppedError'
  constructor(
    readonly reason: ProposalDropReason,
    readonly lead: NodeId,
  ) {
    super(`raft proposal dropped: ${reason}`)
  }
}

/** A read-index request that cannot be served because this node knows no leader. */
export class ReadIndexDroppedError extends Error {
  override name = 'ReadIndexDroppedError'
  constructor() {
    super('raft read index dropped: no leader')
  }
}

/**
 * A configuration change proposed while an earlier one may still be unapplied. Raft allows one
 * pending change at a time: two overlapping changes could produce disjoint majorities.
 */
export class ConfChangePendingError extends Error {
  override name = 'ConfChangePendingError'
  constructor(
    readonly pendingIndex: number,
    readonly applied: number,
  ) {
    super(`conf change pending at index ${pendingIndex} (applied to ${applied})`)
  }
}

/** A configuration change that is not valid against the current configuration. */
export class ConfChangeInvalidError extends Error {
  override name = 'ConfChangeInvalidError'
  constructor(reason: string) {
    super(`invalid conf change: ${reason}`)
  }
}

/** A configuration change whose bytes do not decode. */
export class ConfChangeDecodeError extends Error {
  override name = 'ConfChangeDecodeError'
  constructor(reason: string) {
    super(`cannot decode conf change: ${reason}`)
  }
}

/** A local-only message type (hup, beat, ...) passed to RawNode.step from outside. */
export class StepLocalMessageError extends Error {
  override name = 'StepLocalMessageError'
  constructor(type: string) {
    super(`cannot step local message type '${type}' from the network`)
  }
}

/** bootstrap() on storage that already holds state. */
export class BootstrapError extends Error {
  override name = 'BootstrapError'
  constructor(reason: string) {
    super(`cannot bootstrap: ${reason}`)
  }
}

/** A RawNode configuration that Raft cannot run with. */
export class RaftConfigError extends Error {
  override name = 'RaftConfigError'
  constructor(reason: string) {
    super(`invalid raft config: ${reason}`)
  }
}

/** ready() called again before advance() acknowledged the previous Ready. */
export class ReadyNotAdvancedError extends Error {
  override name = 'ReadyNotAdvancedError'
  constructor() {
    super('ready() called twice without advance()')
  }
}

/**
 * A broken internal invariant (etcd panics here): storage lost committed entries, a message
 * contradicts the log in a way Raft rules out. Continuing could corrupt the replicated state.
 */
export class RaftInvariantError extends Error {
  override name = 'RaftInvariantError'
}
