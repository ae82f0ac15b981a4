import { hostname } from 'node:os'
import { DEFAULT_LEFT_GRACE_MS } from '../controllers/node-lifecycle.js'

export type RuntimeChoice = 'auto' | 'docker' | 'process'

export interface HostPort {
  host: string
  port: number
}

/** Failure-detector and gossip timing, in milliseconds. */
export interface MembershipTiming {
  heartbeatMs: number
  suspectMs: number
  downMs: number
  /** How long a `left` or `down` member stays listed before it is forgotten. */
  forgetMs: number
}

/** Raft timing and autopilot; defaults favour fast failover on a LAN. */
export interface RaftSettings {
  tickMs: number
  electionTicks: number
  /**
   * Ticks between leader heartbeats. Two (100 ms, etcd's default) rather than every tick: the
   * leader heartbeats every learner too, and in a large cluster that traffic was most of its
   * idle CPU. Failover waits on the election timeout, not on this.
   */
  heartbeatTicks: number
  /** A voter (or learner) down this long is replaced by autopilot. */
  voterReplaceMs: number
  snapshotEntries: number
}

export interface WorkloadConfig {
  /** Host ports this node hands out to container ports without a fixed hostPort. */
  hostPortRange: { min: number; max: number }
  /** A node down this long has its pods rescheduled elsewhere. */
  rescheduleAfterMs: number
  /**
   * A node that left gracefully (its agent stopped; its containers run on, to be adopted by a
   * restart) has its pods rescheduled after this long, or after rescheduleAfterMs if longer.
   */
  rescheduleLeftAfterMs: number
  placement: 'spread' | 'binpack'
  /** First crash-loop back-off; it doubles per crash up to a minute. */
  backoffBaseMs: number
}

export interface ServicesConfig {
  /** Where the proxy listens for every service's port on this node. */
  bindAddress: string
  /** Service DNS (NAME.NS.svc.shoal); undefined when turned off. */
  dns: HostPort | undefined
}

/** Replication of the object store; the defaults suit production, tests shorten them. */
export interface StoreSettings {
  /** How often the store syncs with one random peer to repair lost gossip (default 10 s). */
  antiEntropyIntervalMs?: number
  /** How long local updates are coalesced before one gossip message goes out (default 5 ms). */
  gossipFlushMs?: number
}

export interface AgentConfig {
  dataDir: string
  /** Node name; defaults to the one persisted in the data dir, else the hostname. */
  name?: string
  p2p: HostPort
  api: HostPort
  join: string[]
  bootstrapExpect?: number
  clusterKeyFile?: string
  /** Cluster key text (from SHOAL_CLUSTER_KEY); takes precedence over clusterKeyFile. */
  clusterKeyText?: string
  runtime: RuntimeChoice
  labels: Record<string, string>
  cpuMillis?: number
  memoryBytes?: number
  logLevel: string
  timing: MembershipTiming
  /** Largest accepted HTTP request body. */
  maxBodyBytes: number
  /** Enables fault-injection endpoints used by the multi-process test harness. Never on by default. */
  testHooks: boolean
  raft: RaftSettings
  workloads: WorkloadConfig
  services: ServicesConfig
  store?: StoreSettings
  /** Disaster recovery: restart as the sole voter of a new configuration, keeping the local log. */
  forceNewCluster: boolean
}

export const DEFAULT_TIMING: MembershipTiming = { heartbeatMs: 1000, suspectMs: 3000, downMs: 5000, forgetMs: 10 * 60_000 }

export const DEFAULT_RAFT: RaftSettings = { tickMs: 50, electionTicks: 10, heartbeatTicks: 2, voterReplaceMs: 20_000, snapshotEntries: 10_000 }

export function defaultConfig(): AgentConfig {
  return {
    dataDir: './.shoal',
    p2p: { host: '0.0.0.0', port: 7946 },
    api: { host: '0.0.0.0', port: 7070 },
    join: [],
    runtime: 'auto',
    labels: {},
    logLevel: 'info',
    timing: { ...DEFAULT_TIMING },
    maxBodyBytes: 3 * 1024 * 1024,
    testHooks: false,
    raft: { ...DEFAULT_RAFT },
    workloads: { hostPortRange: { min: 30000, max: 32767 }, rescheduleAfterMs: 2000, rescheduleLeftAfterMs: DEFAULT_LEFT_GRACE_MS, placement: 'spread', backoffBaseMs: 1000 },
    services: { bindAddress: '0.0.0.0', dns: { host: '0.0.0.0', port: 8600 } },
    forceNewCluster: false,
  }
}

export class ConfigError extends Error {
  override name = 'ConfigError'
}

/** `HOST:PORT`, `:PORT` or `PORT`; IPv6 hosts in brackets. */
export function parseHostPort(text: string, flag: string): HostPort {
  const m = /^(?:\[([^\]]+)\]|([^:]*))?:?(\d+)$/.exec(text.trim())
  if (m === null) throw new ConfigError(`${flag}: expected HOST:PORT, got "${text}"`)
  const port = Number(m[3])
  if (port > 65535) throw new ConfigError(`${flag}: port ${port} is out of range`)
  const host = m[1] ?? (m[2] === undefined || m[2] === '' ? '0.0.0.0' : m[2])
  return { host, port }
}

/** `k=v,k2=v2` into a map; keys and values follow Kubernetes label syntax. */
export function parseLabels(text: string): Record<string, string> {
  const labels: Record<string, string> = {}
  for (const part of text.split(',').map((s) => s.trim()).filter((s) => s !== '')) {
    const eq = part.indexOf('=')
    if (eq <= 0) throw new ConfigError(`--labels: expected k=v, got "${part}"`)
    const key = part.slice(0, eq)
    const value = part.slice(eq + 1)
    if (!/^([a-z0-9]([-a-z0-9.]*[a-z0-9])?\/)?[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/.test(key) || key.length > 316) {
      throw new ConfigError(`--labels: invalid label key "${key}"`)
    }
    if (value !== '' && (!/^[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/.test(value) || value.length > 63)) {
      throw new ConfigError(`--labels: invalid label value "${value}" for key "${key}"`)
    }
    labels[key] = value
  }
  return labels
}

export function defaultNodeName(): string {
  return hostname().toLowerCase().replace(/[^a-z0-9.-]/g, '-')
}
