import { multiaddr } from '@multiformats/multiaddr'
import type { Startable } from '../lib/startable.js'
import { SerialRunner } from '../lib/serial-runner.js'
import { startAll, stopAll } from '../lib/startable.js'
import { discoveryRoutes } from './api/routes/discovery.js'
import { allocationRoutes } from './api/routes/allocations.js'
import { clusterRoutes } from './api/routes/cluster.js'
import { nodesRoutes } from './api/routes/nodes.js'
import { openApiRoutes } from './api/routes/openapi.js'
import { resourceRoutes } from './api/routes/resources/resource-routes.js'
import { systemRoutes } from './api/routes/system.js'
import { testHookRoutes } from './api/routes/test-hooks.js'
import { RESOURCES } from './api/resources/registry.js'
import type { RouteModule } from './api/router.js'
import { ApiServer } from './api/server.js'
import { ApiTls } from './api/tls/api-tls.js'
import type { ErrorTranslator } from './api/status.js'
import type { AgentConfig } from './config/agent-config.js'
import type { AgentInfo, RememberedPeer } from './config/data-dir.js'
import { AgentEventBus } from './events.js'
import type { NodeIdentity } from './identity.js'
import { loadIdentity } from './identity.js'
import type { Logger, LoggerInit } from './logger.js'
import { createLogger } from './logger.js'
import type { SelfDescription } from './membership/membership.js'
import { Membership } from './membership/membership.js'
import { livePeers, RememberedPeers } from './membership/remembered-peers.js'
import { machineCapacity, machineUsage } from './membership/resources.js'
import { createAgentMetrics } from './metrics/agent-metrics.js'
import { SHOAL_VERSION } from './objects/node-object.js'
import { advertisedHost, hostPortOf, listenAddr } from './p2p/addresses.js'
import type { Host } from './p2p/host.js'
import { createHost } from './p2p/host.js'
import { LinkGater } from './p2p/link-gater.js'
import { PeerDialer } from './p2p/peer-dialer.js'
import { detectRuntimes, laterRuntimes, RuntimeWatch } from './runtime/detect.js'
import type { ContainerRuntime } from './runtime/types.js'
import { storeErrorTranslator } from './store/store-errors.js'
import type { StoreStack } from './store/store-stack.js'
import type { WorkloadStack } from './workloads/workload-stack.js'
import { createWorkloadStack } from './workloads/workload-stack.js'
import { LeaderControllers } from './leader/leader-controllers.js'
import type { ServiceStack } from './services/service-stack.js'
import { createServiceStack } from './services/service-stack.js'
import { StoreEventRecorder } from './workloads/events/store-event-recorder.js'
import type { ConsensusStack } from './consensus/consensus-stack.js'
import { createConsensusStack } from './consensus/consensus-stack.js'
import { createStoreStack } from './store/store-stack.js'

export interface AgentInit {
  /** A logger to use instead of the default stdout one (tests pass a silent or captured one). */
  logger?: Logger
  /** How the default logger writes (the CLI: pretty on a TTY); it is bound to the resolved node name. */
  logging?: Omit<LoggerInit, 'level'>
}

/** Extra API routes and cluster-view sections contributed by subsystems. */
interface ApiContributions {
  routes: RouteModule[]
  /** Read-time overlays per resource (pods show their committed node and effective phase). */
  views: Record<string, (obj: unknown) => unknown>
  translators: ErrorTranslator[]
  sections: Array<() => Record<string, unknown>>
}

/**
 * The composition root: builds every component of one shoal node from its config, starts them in
 * dependency order and stops them in reverse. Nothing here holds logic of its own.
 */
export class Agent implements Startable {
  readonly startedAt = new Date().toISOString()
  readonly logger: Logger
  readonly host: Host
  readonly dialer: PeerDialer
  readonly stores: StoreStack
  readonly workloads: WorkloadStack
  readonly services: ServiceStack
  readonly leaderControllers: LeaderControllers
  readonly api: ApiServer
  private readonly started: Startable[] = []
  private readonly capacity: { cpuMillis: number; memoryBytes: number }
  private readonly rememberedPeers: RememberedPeers
  private peersTimer: NodeJS.Timeout | undefined
  private peersSoon: NodeJS.Timeout | undefined
  private readonly peersWriter = new SerialRunner(
    () => this.rememberPeers(),
    (err) => this.logger.warn({ err }, 'could not save the remembered peers'),
  )
  private readonly rememberSoon = (): void => {
    clearTimeout(this.peersSoon)
    this.peersSoon = setTimeout(() => this.peersWriter.trigger(), 100)
  }
  private p2pAddr = ''
  private stopped = false

  private constructor(
    readonly config: AgentConfig,
    readonly identity: NodeIdentity,
    readonly runtimes: ContainerRuntime[],
    readonly events: AgentEventBus,
    rootLogger: Logger,
    host: Host,
    readonly gater: LinkGater,
    readonly membership: Membership,
    readonly consensus: ConsensusStack,
    readonly runtimeWatch: RuntimeWatch,
  ) {
    this.host = host
    this.logger = rootLogger.child({ peer: host.peerId.toString() })
    this.rememberedPeers = new RememberedPeers(identity.remembered, { forgetMs: config.timing.forgetMs, startedAt: Date.now() })
    this.capacity = machineCapacity({
      ...(config.cpuMillis !== undefined ? { cpuMillis: config.cpuMillis } : {}),
      ...(config.memoryBytes !== undefined ? { memoryBytes: config.memoryBytes } : {}),
    })
    this.dialer = new PeerDialer(
      { host, logger: this.logger.child({ component: 'dialer' }), events: this.events, gater: this.gater, knownPeers: () => this.knownPeers() },
      { join: identity.seeds, rejectOnKeyMismatch: config.join.length > 0 },
    )
    this.stores = createStoreStack({ host, logger: this.logger, dataDir: identity.dataDir.root }, config.store)
    this.workloads = createWorkloadStack(
      {
        store: this.stores.store,
        allocations: consensus.allocations,
        raft: consensus.raft,
        runtimes,
        host,
        events,
        memberTable: membership.table,
        members: () => membership.members(),
        logger: this.logger,
        token: identity.token,
        self: { id: host.peerId.toString(), name: identity.name, ip: advertisedHost(config.p2p.host) },
      },
      config.workloads,
    )
    const serviceAddress = config.services.bindAddress === '0.0.0.0' ? advertisedHost(config.p2p.host) : config.services.bindAddress
    this.services = createServiceStack(
      {
        store: this.stores.store,
        raft: consensus.raft,
        events,
        eventSink: new StoreEventRecorder({ store: this.stores.store, logger: this.logger }, { component: 'shoal-proxy', host: identity.name }),
        members: () => membership.members(),
        podView: this.workloads.views['pods']!,
        logger: this.logger,
        advertisedIp: serviceAddress,
      },
      config.services,
    )
    this.leaderControllers = new LeaderControllers({
      raft: consensus.raft,
      loops: [...this.workloads.leaderLoops, ...this.services.leaderLoops],
      logger: this.logger,
      syncPeers: () => this.syncWithPeers(3000),
    })
    const contributions: ApiContributions = {
      routes: [allocationRoutes({ allocations: consensus.allocations }), ...this.workloads.routes],
      views: this.workloads.views,
      translators: [storeErrorTranslator],
      sections: [() => consensus.section(), this.workloads.section],
    }
    this.api = this.createApi(contributions)
  }

  static async create(config: AgentConfig, init: AgentInit = {}): Promise<Agent> {
    const identity = await loadIdentity(config)
    const rootLogger = init.logger ?? createLogger(identity.name, { level: config.logLevel, ...init.logging })
    const gater = new LinkGater()
    const host = await createHost({ privateKey: identity.privateKey, clusterKey: identity.clusterKey, gater }, { listen: listenAddr(config.p2p) })
    const logger = rootLogger.child({ peer: host.peerId.toString() })
    const detect = [{ logger, dataDir: identity.dataDir.root }, { runtime: config.runtime, docker: { owner: host.peerId.toString() } }] as const
    const runtimes = await detectRuntimes(...detect)
    const runtimeWatch = new RuntimeWatch({ logger: logger.child({ component: 'runtime-watch' }), runtimes, later: laterRuntimes(...detect, runtimes) })
    const events = new AgentEventBus()
    // The heartbeat describes the whole agent, which exists only once every part is built.
    const late: { agent?: Agent } = {}
    const membership = new Membership(
      { host, events, logger: logger.child({ component: 'membership' }), describeSelf: () => late.agent!.describeSelf() },
      { timing: config.timing },
    )
    const consensus = await createConsensusStack(
      { host, logger, events, dataDir: identity.dataDir.root, members: () => membership.members() },
      {
        firstNode: identity.seeds.length === 0,
        ...(config.bootstrapExpect !== undefined ? { bootstrapExpect: config.bootstrapExpect } : {}),
        forceNewCluster: config.forceNewCluster,
        settings: config.raft,
      },
    )
    late.agent = new Agent(config, identity, runtimes, events, rootLogger, host, gater, membership, consensus, runtimeWatch)
    return late.agent
  }

  get name(): string {
    return this.identity.name
  }

  get token(): string {
    return this.identity.token
  }

  get dataDir(): NodeIdentity['dataDir'] {
    return this.identity.dataDir
  }

  get createdCluster(): boolean {
    return this.identity.createdCluster
  }

  get clusterKeyPath(): string {
    return this.identity.clusterKeyPath
  }

  get peerId(): string {
    return this.host.peerId.toString()
  }

  get store(): StoreStack['store'] {
    return this.stores.store
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
    const host: Startable = { start: () => this.host.start(), stop: () => this.host.stop() }
    await this.startParts([host, ...this.runtimes, ...this.stores.parts, this.api])
    this.p2pAddr = this.pickP2pAddr()
    // A key given for a join is kept only once a peer accepted it (a wrong one fails the handshake).
    if (this.identity.clusterKeyPending) {
      const save = (): Promise<void> => this.dataDir.saveClusterKey(this.identity.clusterKey)
      this.events.once('join:connected', () => void save().catch((err: unknown) => this.logger.warn({ err }, 'could not save the cluster key')))
    }
    await this.startParts([this.runtimeWatch, ...this.consensus.parts, this.membership, this.dialer, ...this.workloads.parts, ...this.services.parts, this.leaderControllers])
    await this.dataDir.writeAgentInfo(this.info)
    // Remember peers as soon as they appear: a node killed seconds after joining must still find
    // its way back without --join.
    this.peersTimer = setInterval(() => this.peersWriter.trigger(), 5000)
    this.events.on('member:alive', this.rememberSoon)
    this.events.on('member:left', this.rememberSoon)
    this.logger.info({ api: this.apiUrl, p2p: this.p2pAddr, dataDir: this.dataDir.root, runtimes: this.runtimeWatch.names }, 'agent started')
  }

  /** Graceful stop: tell peers we are leaving, then stop everything in reverse order. */
  async stop(): Promise<void> {
    if (this.stopped) return
    this.stopped = true
    clearInterval(this.peersTimer)
    clearTimeout(this.peersSoon)
    this.events.off('member:alive', this.rememberSoon)
    this.events.off('member:left', this.rememberSoon)
    await this.peersWriter.disable()
    await this.rememberPeers().catch(() => undefined)
    // Controllers first: a leader that cannot hand off must not see its own leave and
    // reschedule its own pods on the way out.
    await this.leaderControllers.stop()
    await this.consensus.handOff().catch((err: unknown) => this.logger.debug({ err }, 'leadership hand-off failed'))
    await this.membership.leave().catch((err: unknown) => this.logger.debug({ err }, 'leave announcement failed'))
    // Give gossipsub a moment to flush the leave message before the connections close.
    await new Promise((r) => setTimeout(r, 100))
    await stopAll(this.started)
    this.logger.info('agent stopped')
  }

  /**
   * A node that joins for the first time is ready once it reached a peer. One that already belongs
   * to a cluster (it has raft state) is ready once its own services run: it serves its replicated
   * state while it keeps dialing the peers it remembered in the background, some of which may be
   * gone for good.
   */
  notReadyReason(): string | undefined {
    return this.dialer.hasJoined || !this.consensus.raft.isEmpty ? undefined : 'joining the cluster'
  }

  describeSelf(): SelfDescription {
    return {
      name: this.name,
      peerId: this.peerId,
      p2p: [this.p2pAddr.replace(/\/p2p\/.*$/, '')],
      api: this.advertisedApiUrl,
      capacity: this.capacity,
      allocatable: this.capacity,
      usage: machineUsage(),
      labels: this.config.labels,
      runtimes: this.runtimeWatch.names,
      version: SHOAL_VERSION,
      startedAt: this.startedAt,
      raft: this.consensus.heartbeat(),
      services: this.services.heartbeat(),
      portRange: this.config.workloads.hostPortRange,
      ...(this.config.bootstrapExpect !== undefined ? { bootstrapExpect: this.config.bootstrapExpect } : {}),
    }
  }

  private async startParts(parts: Startable[]): Promise<void> {
    this.started.push(...parts)
    await startAll(parts)
  }

  private createApi(c: ApiContributions): ApiServer {
    const metrics = createAgentMetrics({ members: () => this.membership.members() })
    const tls = new ApiTls({ secret: this.identity.clusterKey.secret }, { bindHost: this.config.api.host, names: [this.identity.name, advertisedHost(this.config.api.host)] })
    return new ApiServer(
      {
        logger: this.logger.child({ component: 'api' }),
        token: this.identity.token,
        translators: c.translators,
        routes: [
          systemRoutes({ metrics, notReadyReason: () => this.notReadyReason() }),
          discoveryRoutes({ resources: RESOURCES }),
          openApiRoutes({ resources: RESOURCES }),
          nodesRoutes({ members: () => this.membership.members(), events: this.events }),
          resourceRoutes({ store: this.stores.store, views: c.views as never, computed: this.services.computed }),
          clusterRoutes({
            self: () => ({ name: this.name, peerId: this.peerId }),
            members: () => this.membership.members(),
            sections: () => Object.assign({}, ...c.sections.map((s) => s())),
          }),
          tls.routes(),
          ...c.routes,
          ...(this.config.testHooks
            ? [testHookRoutes({ gater: this.gater, host: this.host, raft: this.consensus.raft, allocations: this.consensus.allocations, doc: this.stores.doc })]
            : []),
        ],
      },
      { host: this.config.api.host, port: this.config.api.port, maxBodyBytes: this.config.maxBodyBytes, tls: () => tls.servingCert() },
    )
  }

  /** Pull the replicated store from every connected peer, bounded in time. */
  private async syncWithPeers(timeoutMs: number): Promise<void> {
    const peers = this.host.getPeers()
    await Promise.race([Promise.allSettled(peers.map((p) => this.stores.sync.syncWith(p))), new Promise((r) => setTimeout(r, timeoutMs))])
  }

  private knownPeers(): RememberedPeer[] {
    return livePeers(this.membership.members())
  }

  private pickP2pAddr(): string {
    const want = advertisedHost(this.config.p2p.host)
    const addrs = this.host.getMultiaddrs().map(String)
    return addrs.find((a) => a.includes(`/${want}/`)) ?? addrs[0] ?? ''
  }

  /** Written even when empty: a node whose peers all left must not wait for them on its next start. */
  private async rememberPeers(): Promise<void> {
    const peers: RememberedPeer[] = this.rememberedPeers.list(this.membership.members(), Date.now())
    await this.dataDir.writePeers(peers)
  }
}
