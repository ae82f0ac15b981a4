import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Agent } from '../../node/agent.js'
import type { AgentConfig } from '../../node/config/agent-config.js'
import { defaultConfig } from '../../node/config/agent-config.js'
import type { Logger } from '../../node/logger.js'
import { createLogger, silentLogger } from '../../node/logger.js'
import { TestApi } from './api.js'
import { killProcessContainers } from './containers.js'

/** A disjoint host-port range per test agent (keyed by its 127.0.0.N address). */
export function portSlice(serviceAddress: string | undefined): { min: number; max: number } {
  const n = Number(serviceAddress?.split('.')[3] ?? '1')
  return { min: 30000 + (n - 1) * 200, max: 30000 + n * 200 - 1 }
}

/** Timings for tests: failure detection in about a second instead of five. */
export const FAST_TIMING = { heartbeatMs: 200, suspectMs: 700, downMs: 1200, forgetMs: 60_000 }

export interface TestAgentOptions {
  name: string
  /** Loopback address for this agent's service proxy (127.0.0.N). */
  serviceAddress?: string
  dataDir?: string
  join?: string[]
  clusterKeyFile?: string
  config?: Partial<AgentConfig>
}

function testLogger(name: string): Logger {
  // SHOAL_TEST_LOG=debug shows the agents' logs when a test needs diagnosing.
  const level = process.env['SHOAL_TEST_LOG']
  return level === undefined ? silentLogger() : createLogger(name, { level })
}

/** One agent running inside the test process, on 127.0.0.1 with ports picked by the OS. */
export class TestAgent {
  agent!: Agent
  api!: TestApi
  running = false

  constructor(readonly options: TestAgentOptions & { dataDir: string }) {}

  get name(): string {
    return this.options.name
  }

  get peerId(): string {
    return this.agent.peerId
  }

  /** host:port of the p2p listener, for --join. */
  get p2pHostPort(): string {
    const parts = this.agent.info.p2p.split('/')
    return `${parts[2]}:${parts[4]}`
  }

  get dataDir(): string {
    return this.options.dataDir
  }

  async start(overrides: Partial<TestAgentOptions> = {}): Promise<this> {
    const o = { ...this.options, ...overrides }
    const config: AgentConfig = {
      ...defaultConfig(),
      dataDir: o.dataDir ?? this.options.dataDir,
      name: o.name,
      p2p: { host: '127.0.0.1', port: 0 },
      api: { host: '127.0.0.1', port: 0 },
      join: o.join ?? [],
      timing: { ...FAST_TIMING },
      // Tests that want Docker ask for it; the process runtime needs nothing on the machine.
      runtime: 'process',
      // Agents share this machine: each proxies services on its own loopback address.
      services: { bindAddress: o.serviceAddress ?? '127.0.0.1', dns: { host: '127.0.0.1', port: 0 } },
      // ...and its own slice of host ports, as separate machines would not share one port space.
      workloads: { ...defaultConfig().workloads, ...o.config?.workloads, hostPortRange: portSlice(o.serviceAddress) },
      ...(o.clusterKeyFile !== undefined ? { clusterKeyFile: o.clusterKeyFile } : {}),
      ...o.config,
    }
    this.agent = await Agent.create(config, { logger: testLogger(o.name) })
    await this.agent.start()
    this.api = new TestApi(this.agent.apiUrl, this.agent.token)
    this.running = true
    return this
  }

  /** Graceful stop (announces `left`). */
  async stop(): Promise<void> {
    if (!this.running) return
    this.running = false
    await this.agent.stop()
  }

  /** Stop, then start again over the same data dir with no --join: it must rejoin by memory. */
  async restart(overrides: Partial<TestAgentOptions> = {}): Promise<this> {
    await this.stop()
    return this.start({ join: [], ...overrides })
  }

  /** Cut the link to other agents (both directions need cutting for a clean partition). */
  cut(...others: TestAgent[]): void {
    for (const o of others) {
      this.agent.gater.block(o.peerId)
      o.agent.gater.block(this.peerId)
      for (const c of this.agent.host.getConnections()) if (c.remotePeer.toString() === o.peerId) void c.close()
      for (const c of o.agent.host.getConnections()) if (c.remotePeer.toString() === this.peerId) void c.close()
    }
  }

  heal(...others: TestAgent[]): void {
    for (const o of others) {
      this.agent.gater.unblock(o.peerId)
      o.agent.gater.unblock(this.peerId)
    }
  }
}

/** A set of in-process agents sharing one temp root; `close()` stops them and removes the files. */
export class TestCluster {
  readonly agents: TestAgent[] = []

  private constructor(readonly root: string) {}

  static async create(): Promise<TestCluster> {
    return new TestCluster(await mkdtemp(join(tmpdir(), 'shoal-test-')))
  }

  /** Start `n` agents: the first creates the cluster, the rest join through it. */
  static async start(n: number, opts: { config?: Partial<AgentConfig> } = {}): Promise<TestCluster> {
    const cluster = await TestCluster.create()
    try {
      for (let i = 0; i < n; i++) await cluster.add({ ...(opts.config !== undefined ? { config: opts.config } : {}) })
    } catch (err) {
      await cluster.close()
      throw err
    }
    return cluster
  }

  /** Add an agent joining through `via` (default: the first agent). */
  async add(opts: Partial<TestAgentOptions> & { via?: TestAgent[] } = {}): Promise<TestAgent> {
    const name = opts.name ?? `n${this.agents.length + 1}`
    const seeds = opts.via ?? (this.agents.length > 0 ? [this.agents[0]!] : [])
    const agent = new TestAgent({
      name,
      serviceAddress: opts.serviceAddress ?? `127.0.0.${this.agents.length + 1}`,
      dataDir: opts.dataDir ?? join(this.root, name),
      join: opts.join ?? seeds.map((s) => s.p2pHostPort),
      ...(opts.clusterKeyFile !== undefined
        ? { clusterKeyFile: opts.clusterKeyFile }
        : seeds.length > 0
          ? { clusterKeyFile: join(seeds[0]!.dataDir, 'cluster.key') }
          : {}),
      ...(opts.config !== undefined ? { config: opts.config } : {}),
    })
    this.agents.push(agent)
    await agent.start()
    return agent
  }

  get(name: string): TestAgent {
    const a = this.agents.find((x) => x.name === name)
    if (a === undefined) throw new Error(`no agent ${name}`)
    return a
  }

  async close(): Promise<void> {
    await Promise.allSettled(this.agents.map((a) => a.stop()))
    await Promise.all(this.agents.map((a) => killProcessContainers(a.dataDir)))
    await rm(this.root, { recursive: true, force: true, maxRetries: 5, retryDelay: 100 })
  }
}
