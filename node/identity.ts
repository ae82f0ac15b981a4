import { multiaddr } from '@multiformats/multiaddr'
import type { Multiaddr } from '@multiformats/multiaddr'
import type { PrivateKey } from '@libp2p/interface'
import type { AgentConfig } from './config/agent-config.js'
import { defaultNodeName } from './config/agent-config.js'
import type { RememberedPeer } from './config/data-dir.js'
import { DataDir } from './config/data-dir.js'
import type { ClusterKey } from './p2p/cluster-key.js'
import { deriveAdminToken } from './p2p/cluster-key.js'
import { joinTarget } from './p2p/addresses.js'

/** Everything a node knows about itself before any socket opens. */
export interface NodeIdentity {
  dataDir: DataDir
  name: string
  privateKey: PrivateKey
  clusterKey: ClusterKey
  clusterKeyPath: string
  token: string
  /** This start created a new cluster (no --join, no remembered peers, no key given). */
  createdCluster: boolean
  /** Where to join: --join targets, else the peers remembered from the last run. */
  seeds: Multiaddr[]
  /** The peers remembered from the last run (peers.json), whether or not they are the seeds. */
  remembered: RememberedPeer[]
  /** The cluster key was given for a join and waits for a peer to accept it before it is saved. */
  clusterKeyPending: boolean
}

/** Resolve the data dir, the identity, the cluster key and the token, creating what is missing. */
export async function loadIdentity(config: AgentConfig): Promise<NodeIdentity> {
  const dataDir = new DataDir(config.dataDir)
  await dataDir.ensure()
  const remembered = await dataDir.readPeers()
  const joinTargets = config.join.map(joinTarget)
  const seeds = joinTargets.length > 0 ? joinTargets : remembered.flatMap(peerAddrs).map((a) => multiaddr(a))
  const { key, path, created, pending } = await dataDir.resolveClusterKey({
    ...(config.clusterKeyText !== undefined ? { text: config.clusterKeyText } : {}),
    ...(config.clusterKeyFile !== undefined ? { file: config.clusterKeyFile } : {}),
    joining: seeds.length > 0,
  })
  const token = deriveAdminToken(key)
  await dataDir.writeToken(token)
  const privateKey = await dataDir.loadOrCreateIdentity()
  const name = config.name ?? (await dataDir.readNodeName()) ?? defaultNodeName()
  await dataDir.writeNodeName(name)
  return { dataDir, name, privateKey, clusterKey: key, clusterKeyPath: path, token, createdCluster: created, seeds, remembered, clusterKeyPending: pending }
}

function peerAddrs(p: RememberedPeer): string[] {
  return p.addrs.map((a) => (a.includes('/p2p/') ? a : `${a}/p2p/${p.peerId}`))
}
