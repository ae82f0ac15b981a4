import { multiaddr } from '@multiformats/multiaddr'
import type { Startable } from '../lib/startable.js'
import { startAll, stopAll } from '../lib/startable.js'
import type { AgentConfig } from './config/agent-config.js'
import { defaultNodeName } from './config/agent-config.js'
import type { AgentInfo, RememberedPeer } from './config/data-dir.js'
import { DataDir } from './config/data-dir.js'
import { AgentEventBus } from './events.js'
import type { Logger } from './logger.js'
import { createLogger } from './logger.js'
import { ApiServer } from './api/server.js'
import { clusterRoutes } from './api/routes/cluster.js'
import { discoveryRoutes } from './api/routes/discovery.js'
import { RESOURCES } from './api/resources/registry.js'
import { nodesRoutes } from './api/routes/nodes.js'
import { systemRoutes } from './api/routes/system.js'
import { testHookRoutes } from './api/routes/test-hooks.js'
import type { SelfDescription } from './membership/membership.js'
import { Membership } from './membership/membership.js'
import { machineCapacity, machineUsage } from './membership/resources.js'
import { createAgentMetrics } from './metrics/agent-metrics.js'
import { SHOAL_VERSION } from './objects/node-object.js'
import { advertisedHost, hostPortOf, joinTarget, listenAddr } from './p2p/addresses.js'
import { deriveAdminToken } from './p2p/cluster-key.js'
import type { Host } from './p2p/host.js'
import { createHost } from './p2p/host.js'
import { LinkGater } from './p2p/link-gater.js'
import { PeerDialer } from './p2p/peer-dialer.js'

interface AgentParts {
  config: AgentConfig
  dataDir: DataDir
  name: string
  logger: Logger
  events: AgentEventBus
  gater: LinkGater
  host: Host
  token: string
  clusterKeyPath: string
  createdCluster: boolean
  membership: Membership
  dialer: PeerDialer
  api: ApiServer
}

export interface AgentInit {
  /** A logger to use instead of the default stdout one (tests pass a silent or captured one). */
  logger?: Logger
  /** Names of the container runtimes this node offers; detected by the caller. */
  runtimes?: string[]
}

/**
 * The composition root: builds every component of one shoal node from its config, starts them in
 * dependency order and stops them in reverse. Nothing here holds logic of its own.
 */
export class Agent implements Startable {
  readonly startedAt = new Date().toISOString()
  readonly config: AgentConfig
  readonly dataDir: DataDir
  readonly name: string
  readonly logger: Logger
  readonly events: AgentEventBus
  readonly gater: LinkGater
  readonly host: Host
  readonly token: string
  readonly clusterKeyPath: string
  readonly createdCluster: boolean
  readonly membership: Membership
  readonly dialer: PeerDialer
  readonly api: ApiServer
  private readonly started: Startable[] = []
  private peersTimer: NodeJS.Timeout | undefined
  private p2pAddr = ''
  private stopped = false

  private constructor(parts: AgentParts) {
    this.config = parts.config
    this.dataDir = parts.dataDir
    this.name = parts.name
    this.logger = parts.logger
    this.events = parts.events
    this.gater = parts.gater
    this.host = parts.host
    this.token = parts.token
    this.clusterKeyPath = parts.clusterKeyPath
    this.createdCluster = parts.createdCluster
    this.membership = parts.membership
    this.dialer = parts.dialer
    this.api = parts.api
  }

  static async create(config: AgentConfig, init: AgentInit = {}): Promise<Agent> {
    const dataDir = new DataDir(config.dataDir)
    await dataDir.ensure()
    const remembered = await dataDir.readPeers()
    const joinTargets = config.join.map(joinTarget)
    const seeds = joinTargets.length > 0 ? joinTargets : remembered.flatMap(peerAddrs).map((a) => multiaddr(a))
    const { key, path: keyPath, created } = await dataDir.resolveClusterKey({
      ...(config.clusterKeyText !== undefined ? { text: config.clusterKeyText } : {}),
      ...(config.clusterKeyFile !== undefined ? { file: config.clusterKeyFile } : {}),
      joining: seeds.length > 0,
    })
    const token = deriveAdminToken(key)
    await dataDir.writeToken(token)
    const privateKey = await dataDir.loadOrCreateIdentity()
    const name = config.name ?? (await dataDir.readNodeName()) ?? defaultNodeName()
    await dataDir.writeNodeName(name)

    const gater = new LinkGater()
    const host = await createHost({ privateKey, clusterKey: key, gater }, { listen: listenAddr(config.p2p) })
    const rootLogger = init.logger ?? createLogger(name, { level: config.logLevel })
    const logger = rootLogger.child({ peer: host.peerId.toString() })
    const events = new AgentEventBus()
    const runtimes = init.runtimes ?? ['process']
    const capacity = machineCapacity({
      ...(config.cpuMillis !== undefined ? { cpuMillis: config.cpuMillis } : {}),
      ...(config.memoryBytes !== undefined ? { memoryBytes: config.memoryBytes } : {}),
    })

    // The agent object does not exist yet while parts are wired, so late-bound lookups go
    // through this holder; they are only called after start().
    const late: { agent?: Agent } = {}
    const describeSelf = (): SelfDescription => late.agent!.describeSelf(capacity, runtimes)
    const membership = new Membership({ host, events, logger: logger.child({ component: 'membership' }), describeSelf }, { timing: config.timing })
    const dialer = new PeerDialer(
      {
        host,
        logger: logger.child({ component: 'dialer' }),
        events,
        gater,
        knownPeers: () =>
          membership
            .members()
            .filter((m) => !m.self && m.state !== 'left')
            .map((m) => ({ peerId: m.heartbeat.peerId, addrs: m.heartbeat.p2p })),
      },
      { join: seeds },
    )
    const metrics = createAgentMetrics({ members: () => membership.members() })
    const api = new ApiServer(
      {
        logger: logger.child({ component: 'api' }),
        token,
        routes: [
          systemRoutes({ metrics, notReadyReason: () => late.agent!.notReadyReason() }),
          discoveryRoutes({ resources: RESOURCES }),
          nodesRoutes({ members: () => membership.members() }),
          clusterRoutes({
            self: () => ({ name, peerId: host.peerId.toString() }),
            members: () => membership.members(),
            sections: () => ({}),
          }),
          ...(config.testHooks ? [testHookRoutes({ gater, host })] : []),
        ],
      },
      { host: config.api.host, port: config.api.port, maxBodyBytes: config.maxBodyBytes },
    )
    const agent = new Agent({
      config,
      dataDir,
      name,
      logger,
      events,
      gater,
      host,
      token,
      clusterKeyPath: keyPath,
      createdCluster: created,
      membership,
      dialer,
      api,
    })
    late.agent = agent
    return agent
  }

  get peerId(): string {
    return this.host.peerId.toString()
  }

  /** The API URL for clients on this machine (a wildcard bind is reached through loopback). */
  get apiUrl(): string {
    return this.api.address.replace(/\/\/(0\.0\.0\.0|\[::\]):/, '//127.0.0.1:')
  }

  /** The API URL other machines use. */
  get advertisedApiUrl(): string {
    return this.api.address.replace(/\/\/(0\.0\.0\.0|\[::\]):/, `//${advertisedHost(this.config.api.host)}:`)
  }

  get info(): AgentInfo {
    return { name: this.name, api: this.apiUrl, p2p: this.p2pAddr, peerId: this.peerId, pid: process.pid, startedAt: this.startedAt }
  }

  /** The command another machine runs to join this cluster. */
  joinCommand(): string {
    const target = hostPortOf(multiaddr(this.p2pAddr)) ?? this.p2pAddr
    return `shoal agent --join ${target} --cluster-key ${this.clusterKeyPath}`
  }

  async start(): Promise<void> {
    const hostStartable: Startable = { start: () => this.host.start(), stop: () => this.host.stop() }
    this.started.push(hostStartable, this.api)
    await startAll([hostStartable, this.api])
    this.p2pAddr = this.pickP2pAddr()
    this.started.push(this.membership, this.dialer)
    await startAll([this.membership, this.dialer])
    await this.dataDir.writeAgentInfo(this.info)
    this.peersTimer = setInterval(() => void this.rememberPeers(), 5000)
    this.logger.info({ api: this.apiUrl, p2p: this.p2pAddr, dataDir: this.dataDir.root }, 'agent started')
  }

  /** Graceful stop: tell peers we are leaving, then stop everything in reverse order. */
  async stop(): Promise<void> {
    if (this.stopped) return
    this.stopped = true
    clearInterval(this.peersTimer)
    await this.rememberPeers().catch(() => undefined)
    await this.membership.leave().catch((err: unknown) => this.logger.debug({ err }, 'leave announcement failed'))
    // Give gossipsub a moment to flush the leave message before the connections close.
    await new Promise((r) => setTimeout(r, 100))
    await stopAll(this.started)
    this.logger.info('agent stopped')
  }

  notReadyReason(): string | undefined {
    return this.dialer.hasJoined ? undefined : 'joining the cluster'
  }

  describeSelf(capacity: { cpuMillis: number; memoryBytes: number }, runtimes: string[]): SelfDescription {
    return {
      name: this.name,
      peerId: this.peerId,
      p2p: [this.p2pAddr.replace(/\/p2p\/.*$/, '')],
      api: this.advertisedApiUrl,
      capacity,
      allocatable: capacity,
      usage: machineUsage(),
      labels: this.config.labels,
      runtimes,
      version: SHOAL_VERSION,
      startedAt: this.startedAt,
    }
  }

  private pickP2pAddr(): string {
    const want = advertisedHost(this.config.p2p.host)
    const addrs = this.host.getMultiaddrs().map(String)
    return addrs.find((a) => a.includes(`/${want}/`)) ?? addrs[0] ?? ''
  }

  private async rememberPeers(): Promise<void> {
    const peers: RememberedPeer[] = this.membership
      .members()
      .filter((m) => !m.self && m.state !== 'left')
      .map((m) => ({ peerId: m.heartbeat.peerId, addrs: m.heartbeat.p2p }))
    if (peers.length > 0) await this.dataDir.writePeers(peers)
  }
}

function peerAddrs(p: RememberedPeer): string[] {
  return p.addrs.map((a) => (a.includes('/p2p/') ? a : `${a}/p2p/${p.peerId}`))
}
