import { chmod, mkdir } from 'node:fs/promises'
import { join, resolve } from 'node:path'
import { generateKeyPair, privateKeyFromProtobuf, privateKeyToProtobuf } from '@libp2p/crypto/keys'
import type { PrivateKey } from '@libp2p/interface'
import type { ClusterKey } from '../p2p/cluster-key.js'
import { generateClusterKeyText, MissingClusterKeyError, parseClusterKey, InvalidClusterKeyError } from '../p2p/cluster-key.js'
import { readIfExists, readJsonIfExists, writeFileAtomic } from '../../lib/files.js'

/** What `agent.json` holds: where this agent really listens, for the CLI and for scripts. */
export interface AgentInfo {
  name: string
  api: string
  p2p: string
  peerId: string
  pid: number
  startedAt: string
}

export interface RememberedPeer {
  peerId: string
  addrs: string[]
}

export interface ResolvedClusterKey {
  key: ClusterKey
  path: string
  /** True when this start created a new cluster. */
  created: boolean
  /**
   * The key was given to join a cluster and is not in the data dir yet: it is saved
   * (`saveClusterKey`) only once a peer accepted it, so a mistyped key never claims the data dir.
   */
  pending: boolean
}

/**
 * The agent's data directory: node identity, cluster key, node metadata, remembered peers and
 * the state files of the stores. Secrets are written 0600 in a 0700 directory.
 */
export class DataDir {
  readonly root: string

  constructor(root: string) {
    this.root = resolve(root)
  }

  path(...parts: string[]): string {
    return join(this.root, ...parts)
  }

  async ensure(): Promise<void> {
    await mkdir(this.root, { recursive: true, mode: 0o700 })
    await chmod(this.root, 0o700)
  }

  /** The libp2p private key; the peer id derives from it, so it must survive restarts. */
  async loadOrCreateIdentity(): Promise<PrivateKey> {
    const path = this.path('node.key')
    const existing = await readIfExists(path)
    if (existing !== undefined) return privateKeyFromProtobuf(existing)
    const key = await generateKeyPair('Ed25519')
    await writeFileAtomic(path, privateKeyToProtobuf(key))
    return key
  }

  /**
   * The cluster key, in order: SHOAL_CLUSTER_KEY, --cluster-key FILE, the copy in the data dir;
   * a node that joins nobody and remembers nobody creates a new cluster. A key given on the
   * command line is copied into the data dir so restarts need no flags: at once when the node
   * joins nobody, otherwise after the first connection proves it (see `pending`).
   */
  async resolveClusterKey(opts: { text?: string; file?: string; joining: boolean }): Promise<ResolvedClusterKey> {
    const path = this.path('cluster.key')
    const stored = await readIfExists(path)
    const storedKey = stored === undefined ? undefined : parseClusterKey(stored.toString('utf8'), path)
    let given: ClusterKey | undefined
    if (opts.text !== undefined && opts.text.trim() !== '') given = parseClusterKey(opts.text, 'SHOAL_CLUSTER_KEY')
    else if (opts.file !== undefined) {
      const buf = await readIfExists(opts.file)
      if (buf === undefined) throw new MissingClusterKeyError(`--cluster-key: file ${opts.file} does not exist`)
      given = parseClusterKey(buf.toString('utf8'), opts.file)
    }
    if (given !== undefined) {
      if (storedKey !== undefined && !storedKey.secret.equals(given.secret)) {
        throw new InvalidClusterKeyError(
          `the cluster key given does not match ${path}: this data dir belongs to another cluster (use a fresh --data-dir to join a different one)`,
        )
      }
      const pending = storedKey === undefined && opts.joining
      if (storedKey === undefined && !opts.joining) await this.saveClusterKey(given)
      return { key: given, path, created: false, pending }
    }
    if (storedKey !== undefined) return { key: storedKey, path, created: false, pending: false }
    if (opts.joining) {
      throw new MissingClusterKeyError(
        'this node joins a cluster but has no cluster key: pass --cluster-key FILE (the cluster.key of the first node) or set SHOAL_CLUSTER_KEY',
      )
    }
    const text = generateClusterKeyText()
    await writeFileAtomic(path, text)
    return { key: parseClusterKey(text, path), path, created: true, pending: false }
  }

  /** Keep `key` as this data dir's cluster key, unless it already has one. */
  async saveClusterKey(key: ClusterKey): Promise<void> {
    const path = this.path('cluster.key')
    if ((await readIfExists(path)) !== undefined) return
    await writeFileAtomic(path, new TextDecoder().decode(key.psk) + '\n')
  }

  async writeToken(token: string): Promise<void> {
    await writeFileAtomic(this.path('admin.token'), token + '\n')
  }

  async readToken(): Promise<string | undefined> {
    return (await readIfExists(this.path('admin.token')))?.toString('utf8').trim()
  }

  async readNodeName(): Promise<string | undefined> {
    return (await readJsonIfExists<{ name?: string }>(this.path('node.json')))?.name
  }

  async writeNodeName(name: string): Promise<void> {
    await writeFileAtomic(this.path('node.json'), JSON.stringify({ name }, null, 2) + '\n', 0o644)
  }

  async writeAgentInfo(info: AgentInfo): Promise<void> {
    await writeFileAtomic(this.path('agent.json'), JSON.stringify(info, null, 2) + '\n', 0o644)
  }

  async readAgentInfo(): Promise<AgentInfo | undefined> {
    return readJsonIfExists<AgentInfo>(this.path('agent.json'))
  }

  async readPeers(): Promise<RememberedPeer[]> {
    return (await readJsonIfExists<RememberedPeer[]>(this.path('peers.json'))) ?? []
  }

  async writePeers(peers: RememberedPeer[]): Promise<void> {
    await writeFileAtomic(this.path('peers.json'), JSON.stringify(peers, null, 2) + '\n', 0o644)
  }
}
