import type { RememberedPeer } from '../config/data-dir.js'
import type { Member } from './member-table.js'

export interface RememberedPeersInit {
  /** A peer carried over from the last run and not heard of since is dropped after this long. */
  forgetMs: number
  /** When this run started (ms); tests pin it. */
  startedAt: number
}

/**
 * What a node writes to peers.json: its join seeds for the next start.
 *
 * - Members heard from in this run are remembered with their latest addresses, until the
 *   member table forgets them.
 * - A member that left gracefully is dropped at once: it said it is not coming back, and a seed
 *   that never answers only makes the next start dial in vain. When every peer has left the
 *   list is empty, and the next start forms a cluster of one instead of waiting for them.
 * - Peers carried over from the last run that this run has not heard of at all are kept for
 *   `forgetMs` (they may not have been reached yet), then dropped, as the member table forgets
 *   a member that stays down. Whoever restarts later still finds the earlier one through its
 *   own memory, so forgetting on one side does not split the cluster.
 */
export class RememberedPeers {
  private readonly carried: Map<string, RememberedPeer>

  constructor(
    previous: readonly RememberedPeer[],
    private readonly init: RememberedPeersInit,
  ) {
    this.carried = new Map(previous.map((p) => [p.peerId, p]))
  }

  list(members: readonly Member[], now: number): RememberedPeer[] {
    // Once the member table has an opinion about a peer, it alone decides.
    for (const m of members) this.carried.delete(m.heartbeat.peerId)
    if (now - this.init.startedAt >= this.init.forgetMs) this.carried.clear()
    return [...livePeers(members), ...this.carried.values()]
  }
}

/** The other members worth dialing: every one but this node and those that left. */
export function livePeers(members: readonly Member[]): RememberedPeer[] {
  return members.filter((m) => !m.self && m.state !== 'left').map((m) => ({ peerId: m.heartbeat.peerId, addrs: m.heartbeat.p2p }))
}
