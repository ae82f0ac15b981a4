import { join } from 'node:path'
import type { NodeId } from '../core/types.js'
import { readDurableJson, writeDurableJson } from './durable-json.js'

/** A --force-new-cluster recovery that was applied: where the new single-voter log begins. */
export interface ForcedRecovery {
  node: NodeId
  term: number
  index: number
  /** Wall-clock time of the recovery (ISO 8601), for the operator. */
  at: string
}

/**
 * Where the driver records that a forced recovery happened, so that it runs once: restarted later
 * with the flag still set, a node that re-ran it would again make itself the only voter while the
 * rebuilt cluster goes on without it — two leaders, two histories. It must be exactly as durable
 * as the raft storage, and vanish with it (wiping the raft state clears the marker too).
 */
export interface RecoveryMarkerStore {
  read(): Promise<ForcedRecovery | undefined>
  write(recovery: ForcedRecovery): Promise<void>
  /** Where the marker lives, for the log line that tells an operator how to force again. */
  readonly location: string
}

export const RECOVERY_MARKER_FILE = 'force-new-cluster.json'

/** The marker as a file in the raft data directory, beside the WAL it refers to. */
export class FileRecoveryMarker implements RecoveryMarkerStore {
  readonly location: string

  constructor(raftDir: string) {
    this.location = join(raftDir, RECOVERY_MARKER_FILE)
  }

  async read(): Promise<ForcedRecovery | undefined> {
    const value = await readDurableJson(this.location)
    if (value === undefined) return undefined
    // A damaged marker still says that a recovery happened; its details are lost.
    return isForcedRecovery(value) ? value : { node: '', term: 0, index: 0, at: 'unknown (the marker file is damaged)' }
  }

  async write(recovery: ForcedRecovery): Promise<void> {
    await writeDurableJson(this.location, recovery)
  }
}

/** For memory storage, which forgets everything on restart anyway. */
export class MemoryRecoveryMarker implements RecoveryMarkerStore {
  readonly location = 'memory'
  private recovery: ForcedRecovery | undefined

  read(): Promise<ForcedRecovery | undefined> {
    return Promise.resolve(this.recovery)
  }

  write(recovery: ForcedRecovery): Promise<void> {
    this.recovery = recovery
    return Promise.resolve()
  }
}

function isForcedRecovery(v: unknown): v is ForcedRecovery {
  if (typeof v !== 'object' || v === null) return false
  const r = v as Record<string, unknown>
  return typeof r['node'] === 'string' && typeof r['term'] === 'number' && typeof r['index'] === 'number' && typeof r['at'] === 'string'
}
