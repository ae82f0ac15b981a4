// Failures of the disk storage that stop the agent: starting anyway could lose committed entries.

const REFUSAL = 'the agent refuses to start rather than silently lose committed entries'

/** The WAL is damaged before its tail (or holds records that cannot follow each other). */
export class WalCorruptError extends Error {
  override name = 'WalCorruptError'
  constructor(
    readonly path: string,
    readonly offset: number,
    detail: string,
    options?: ErrorOptions,
  ) {
    super(
      `write-ahead log ${path} is corrupt at byte ${offset} (${detail}); ${REFUSAL}. ` +
        'Restore the data directory from a backup, or wipe it and let this node rejoin as a new member.',
      options,
    )
  }
}

/** The log was compacted up to a snapshot whose file is missing or damaged. */
export class SnapshotMissingError extends Error {
  override name = 'SnapshotMissingError'
  constructor(
    readonly dir: string,
    readonly needed: number,
    readonly newestUsable: number,
  ) {
    super(
      `${dir}: the log starts after index ${needed} but the newest usable snapshot is at index ${newestUsable}; ${REFUSAL}. ` +
        'Restore the snapshot files from a backup, or wipe the directory and let this node rejoin as a new member.',
    )
  }
}

/**
 * compact() past the newest durable snapshot: after a restart the state machine (restored from that
 * snapshot) could not reach the log's first entry.
 */
export class CompactBeyondSnapshotError extends Error {
  override name = 'CompactBeyondSnapshotError'
  constructor(compactTo: number, snapshotIndex: number) {
    super(`cannot compact the log to ${compactTo}: the newest snapshot is at ${snapshotIndex}; take a snapshot first`)
  }
}
