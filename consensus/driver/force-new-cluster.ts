import type { Logger } from 'pino'
import type { NodeId } from '../core/types.js'
import type { RaftStorage } from '../storage/storage.js'
import { decodeEnvelope, EnvelopeError } from './envelope.js'
import type { StateMachine } from './state-machine.js'

/**
 * Disaster recovery when a quorum is gone for good (after etcd's --force-new-cluster): treat every
 * entry in this node's log as committed, fold them into the state machine, and restart from a
 * snapshot whose configuration has this node as the only voter. The snapshot sits one index past
 * the log so it is newer than anything stored. Other survivors must drop their raft state and
 * rejoin as new members; their logs may hold entries this one never saw.
 */
export async function forceNewCluster(storage: RaftStorage, sm: StateMachine, self: NodeId, log: Logger): Promise<void> {
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
}
