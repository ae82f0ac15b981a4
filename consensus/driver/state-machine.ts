/**
 * What the Raft driver applies committed entries to. Every replica applies the same commands in
 * the same order, so `apply` must be deterministic: no clocks, no randomness, no I/O. The value it
 * returns resolves the matching `propose()` on the node that proposed it.
 */
export interface StateMachine {
  apply(command: Uint8Array, index: number): unknown
  /** The whole state, to compact the log and to bring laggards up to date. */
  snapshot(): Uint8Array
  /** Replace the state with a snapshot taken at `index`. */
  restore(snapshot: Uint8Array, index: number): void
}
