import type { Logger } from 'pino'
import type { NodeId } from '../core/types.js'
import type { RecoveryMarkerStore } from '../storage/recovery-marker.js'
import type { RaftStorage } from '../storage/storage.js'
import { decodeEnvelope, EnvelopeError } from './envelope.js'
import type { StateMachine } from './state-machine.js'

/**
 * --force-new-cluster, made one-shot: run the recovery unless `marker` shows it already ran on
 * this storage, and record it once it is durable. A node restarted later with the flag left on
 * must not turn itself into a lone leader again beside the cluster rebuilt around it. Returns
 * whether the recovery ran.
 */
export async function forceNewClusterOnce(
  storage: RaftStorage,
  sm: StateMachine,
  self: NodeId,
  marker: RecoveryMarkerStore,
  log: Logger,
): Promise<boolean> {
  const done = await marker.read()
  if (done !== undefined) {
    log.warn(
      { recoveredAt: done.at, index: done.index, term: done.term, marker: marker.location },
      '--force-new-cluster was already applied to this data directory; ignoring it so that this node does not split the cluster again. ' +
        `Remove --force-new-cluster from the command line. To force a new cluster once more, delete ${marker.location} first.`,
    )
    return false
  }
  const { term, index } = await forceNewCluster(storage, sm, self, log)
  // Written only after the recovery is durable: a crash in between just runs it again, harmlessly.
  await marker.write({ node: self, term, index, at: new Date().toISOString() })
  return true
}

/**
 * Disaster recovery when a quorum is gone for good (after etcd's --force-new-cluster): treat every
 * entry in this node's log as committed, fold them into the state machine, and restart from a
 * snapshot whose configuration has this node as the only voter. The snapshot sits one index past
 * the log so it is newer than anything stored. Other survivors must drop their raft state and
 * rejoin as new members; their logs may hold entries this one never saw.
 */
export async function forceNewCluster(storage: RaftStorage, sm: StateMachine, self: NodeId, log: Logger): Promise<{ term: number; index: number }> {
  const snap = storage.snapshot()
  sm.restore(snap.data, snap.metadata.index)
  const last = storage.lastIndex()
  let lastTerm = snap.metadata.term
  if (last > snap.metadata.index) {
    for (const e of storage.entries(snap.metadata.index + 1, last + 1)) {
      lastTerm = e.term
      if (e.type !== 'normal' || e.data.length === 0) continue
      try {
        sm.apply(decodeEnvelope(e.data).payload, e.index)
      } catch (err) {
        if (!(err instanceof EnvelopeError)) throw err
      }
    }
  }
  const { hardState } = storage.initialState()
  const term = Math.max(hardState.term, lastTerm)
  const index = last + 1
  await storage.applySnapshot({
    metadata: { index, term, confState: { voters: [self], learners: [], votersOutgoing: [], learnersNext: [], autoLeave: false } },
    data: sm.snapshot(),
  })
  await storage.save({ term, vote: self, commit: index }, [])
  log.warn({ index, term, keptEntries: last - snap.metadata.index }, 'forced a new single-voter raft cluster from the local log')
  return { term, index }
}
