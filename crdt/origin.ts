/**
 * Transaction origins. Every change is tagged with where it came from so that gossip sends only
 * this node's own changes (a remote change is never echoed back) and the watch layer can tell
 * them apart when logging.
 */

/** Changes made through this node's store. */
export const LOCAL_ORIGIN: unique symbol = Symbol('shoal:local')

/** Changes replayed from this node's own disk on start. */
export const DISK_ORIGIN: unique symbol = Symbol('shoal:disk')

/** Changes received from a peer, over gossip or the sync stream. */
export class PeerOrigin {
  constructor(
    readonly peer: string,
    readonly via: 'gossip' | 'sync',
  ) {}
}

/** True for changes that originated on this node and so must be gossiped. */
export function isLocalOrigin(origin: unknown): boolean {
  return !(origin instanceof PeerOrigin) && origin !== DISK_ORIGIN
}
