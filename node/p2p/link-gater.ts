import type { ConnectionGater, PeerId } from '@libp2p/interface'

/**
 * A connection gater whose deny list can change at run time. Shoal uses it for one thing: to cut
 * links to chosen peers, which is how tests (and the fault-injection hooks) make partitions with
 * real libp2p connections rather than a simulated network.
 */
export class LinkGater {
  private readonly blocked = new Set<string>()

  block(peerId: string): void {
    this.blocked.add(peerId)
  }

  unblock(peerId: string): void {
    this.blocked.delete(peerId)
  }

  clear(): void {
    this.blocked.clear()
  }

  isBlocked(peerId: string): boolean {
    return this.blocked.has(peerId)
  }

  list(): string[] {
    return [...this.blocked]
  }

  /** The libp2p-facing view; checked both when dialling and when a peer's identity is known. */
  gater(): ConnectionGater {
    const deny = (peer: PeerId): boolean => this.blocked.has(peer.toString())
    return {
      denyDialPeer: deny,
      denyInboundEncryptedConnection: deny,
      denyOutboundEncryptedConnection: deny,
    }
  }
}
