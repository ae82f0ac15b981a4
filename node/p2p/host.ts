import { noise } from '@chainsafe/libp2p-noise'
import { yamux } from '@chainsafe/libp2p-yamux'
import { gossipsub } from '@libp2p/gossipsub'
import type { GossipSub } from '@libp2p/gossipsub'
import { identify } from '@libp2p/identify'
import type { Identify } from '@libp2p/identify'
import type { Libp2p, PrivateKey } from '@libp2p/interface'
import { ping } from '@libp2p/ping'
import type { Ping } from '@libp2p/ping'
import { preSharedKey } from '@libp2p/pnet'
import { tcp } from '@libp2p/tcp'
import { createLibp2p } from 'libp2p'
import type { ClusterKey } from './cluster-key.js'
import { fastGossipMessageId } from './gossip-message-id.js'
import type { LinkGater } from './link-gater.js'

export interface HostServices extends Record<string, unknown> {
  identify: Identify
  ping: Ping
  pubsub: GossipSub
}

export type Host = Libp2p<HostServices>

export interface HostComponents {
  privateKey: PrivateKey
  clusterKey: ClusterKey
  gater: LinkGater
}

export interface HostInit {
  listen: string
  /** Milliseconds a dial (TCP + pnet + noise) may take; short so a wrong key is reported fast. */
  dialTimeoutMs?: number
  /** Largest gossip message accepted. */
  maxGossipBytes?: number
}

/**
 * The libp2p host every shoal component shares: TCP, the cluster key as a private network (a peer
 * without it fails the handshake), noise, yamux, identify, ping and gossipsub. It is created
 * stopped; the agent starts it.
 */
export async function createHost(components: HostComponents, init: HostInit): Promise<Host> {
  const dialTimeout = init.dialTimeoutMs ?? 5000
  return createLibp2p({
    start: false,
    privateKey: components.privateKey,
    addresses: { listen: [init.listen] },
    transports: [tcp()],
    connectionProtector: preSharedKey({ psk: components.clusterKey.psk, timeout: dialTimeout }),
    connectionEncrypters: [noise()],
    streamMuxers: [yamux()],
    connectionGater: components.gater.gater(),
    connectionManager: { dialTimeout, inboundUpgradeTimeout: dialTimeout },
    services: {
      identify: identify(),
      ping: ping({ timeout: 2000 }),
      pubsub: gossipsub({
        allowPublishToZeroTopicPeers: true,
        emitSelf: false,
        // Membership and CRDT gossip want low latency more than bandwidth thrift on a LAN.
        heartbeatInterval: 700,
        floodPublish: true,
        fastMsgIdFn: fastGossipMessageId,
        // IDONTWANT spares duplicates of large messages, but for a heartbeat it costs a send to
        // every mesh peer to save one: only CRDT updates of some size are worth it.
        idontwantMinDataSize: 16 * 1024,
        maxInboundDataLength: init.maxGossipBytes ?? 4 * 1024 * 1024,
        // Every peer holds the cluster key, so the Sybil defence of penalising many peers behind
        // one IP only hurts: it empties the mesh of nodes behind a NAT or sharing a host.
        scoreParams: { IPColocationFactorWeight: 0 },
      }),
    },
  })
}
