/** This node is not the leader; `leader` is the one it knows of ('' when none). */
export class NotLeaderError extends Error {
  override name = 'NotLeaderError'
  constructor(readonly leader: string) {
    super(leader === '' ? 'not the raft leader, and no leader is known' : `not the raft leader; the leader is ${leader}`)
  }
}

/** The proposal was not applied in time: it may have been lost in a leadership change. Retry. */
export class ProposalTimeoutError extends Error {
  override name = 'ProposalTimeoutError'
  constructor(ms: number) {
    super(`proposal was not applied within ${ms} ms`)
  }
}

/**
 * The node stopped or lost leadership before the proposal was applied; the entry may still commit
 * under the next leader, so the outcome is unknown. `leader` is the leader to retry with, when this
 * node knows one ('' otherwise).
 */
export class ProposalAbandonedError extends Error {
  override name = 'ProposalAbandonedError'
  constructor(
    reason: string,
    readonly leader = '',
  ) {
    super(leader === '' ? reason : `${reason}; the leader is ${leader}`)
  }
}

export class RaftStoppedError extends Error {
  override name = 'RaftStoppedError'
  constructor() {
    super('the raft node is stopped')
  }
}

/** --force-new-cluster was asked for on a driver that has nowhere durable to record it. */
export class RecoveryMarkerMissingError extends Error {
  override name = 'RecoveryMarkerMissingError'
  constructor() {
    super('forceNewCluster needs a recoveryMarker store, or the recovery would run again on every start')
  }
}
