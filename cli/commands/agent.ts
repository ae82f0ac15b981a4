import type { Command } from 'commander'
import { Option } from 'commander'
import type { AgentConfig, RuntimeChoice } from '../../node/config/agent-config.js'
import { ConfigError, defaultConfig, parseHostPort, parseLabels } from '../../node/config/agent-config.js'
import { DEFAULT_LEFT_GRACE_MS } from '../../node/controllers/node-lifecycle.js'
import { memoryToBytes } from '../../node/objects/quantity.js'
import { CliError } from '../client.js'
import { parseDuration } from '../duration.js'

/** `--reschedule-left-after`'s default, as the flag spells it (`15s`). */
const LEFT_GRACE_DEFAULT = `${DEFAULT_LEFT_GRACE_MS / 1000}s`

interface AgentFlags {
  dataDir: string
  name?: string
  p2p: string
  api: string
  join: string[]
  bootstrapExpect?: string
  clusterKey?: string
  runtime: string
  labels?: string
  cpu?: string
  memory?: string
  logLevel: string
  heartbeatInterval: string
  suspectAfter: string
  downAfter: string
  voterReplaceAfter: string
  raftSnapshotEntries?: string
  rescheduleAfter: string
  rescheduleLeftAfter?: string
  placement: string
  serviceAddress: string
  dns: string
  hostPortRange: string
  forceNewCluster?: boolean
  testHooks?: boolean
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value]
}

export function agentConfigFromFlags(flags: AgentFlags, env: NodeJS.ProcessEnv = process.env): AgentConfig {
  const base = defaultConfig()
  const runtime = flags.runtime as RuntimeChoice
  if (!['auto', 'docker', 'process'].includes(runtime)) throw new ConfigError(`--runtime: expected auto, docker or process, got "${flags.runtime}"`)
  const cpu = flags.cpu === undefined ? undefined : Number(flags.cpu.replace(/m$/, ''))
  if (cpu !== undefined && (!Number.isInteger(cpu) || cpu <= 0)) throw new ConfigError(`--cpu: expected millicores (e.g. 4000), got "${flags.cpu}"`)
  let memory: number | undefined
  try {
    memory = flags.memory === undefined ? undefined : memoryToBytes(flags.memory)
  } catch {
    throw new ConfigError(`--memory: expected bytes or a quantity such as 8Gi, got "${flags.memory}"`)
  }
  const expect = flags.bootstrapExpect === undefined ? undefined : Number(flags.bootstrapExpect)
  if (expect !== undefined && (!Number.isInteger(expect) || expect < 1 || expect > 7)) {
    throw new ConfigError(`--bootstrap-expect: expected 1 to 7, got "${flags.bootstrapExpect}"`)
  }
  const timing = {
    ...base.timing,
    heartbeatMs: parseDuration(flags.heartbeatInterval, '--heartbeat-interval'),
    suspectMs: parseDuration(flags.suspectAfter, '--suspect-after'),
    downMs: parseDuration(flags.downAfter, '--down-after'),
  }
  if (!(timing.heartbeatMs < timing.suspectMs && timing.suspectMs < timing.downMs)) {
    throw new ConfigError('timing: need --heartbeat-interval < --suspect-after < --down-after')
  }
  const keyText = env['SHOAL_CLUSTER_KEY']
  return {
    ...base,
    dataDir: flags.dataDir,
    ...(flags.name !== undefined ? { name: flags.name } : {}),
    p2p: parseHostPort(flags.p2p, '--p2p'),
    api: parseHostPort(flags.api, '--api'),
    join: flags.join,
    ...(expect !== undefined ? { bootstrapExpect: expect } : {}),
    ...(flags.clusterKey !== undefined ? { clusterKeyFile: flags.clusterKey } : {}),
    ...(keyText !== undefined && keyText !== '' ? { clusterKeyText: keyText } : {}),
    runtime,
    labels: flags.labels === undefined ? {} : parseLabels(flags.labels),
    ...(cpu !== undefined ? { cpuMillis: cpu } : {}),
    ...(memory !== undefined ? { memoryBytes: memory } : {}),
    logLevel: flags.logLevel,
    timing,
    testHooks: flags.testHooks === true || env['SHOAL_TEST_HOOKS'] === '1',
    raft: {
      ...base.raft,
      voterReplaceMs: parseDuration(flags.voterReplaceAfter ?? '20s', '--voter-replace-after'),
      ...(flags.raftSnapshotEntries !== undefined ? { snapshotEntries: positiveInt(flags.raftSnapshotEntries, '--raft-snapshot-entries') } : {}),
    },
    forceNewCluster: flags.forceNewCluster === true,
    services: {
      bindAddress: flags.serviceAddress ?? '0.0.0.0',
      dns: flags.dns === undefined || flags.dns === '' ? base.services.dns : flags.dns === 'off' ? undefined : parseHostPort(flags.dns, '--dns'),
    },
    workloads: {
      ...base.workloads,
      hostPortRange: portRangeOf(flags.hostPortRange ?? '30000-32767'),
      rescheduleAfterMs: parseDuration(flags.rescheduleAfter ?? '2s', '--reschedule-after'),
      rescheduleLeftAfterMs: parseDuration(flags.rescheduleLeftAfter ?? LEFT_GRACE_DEFAULT, '--reschedule-left-after'),
      placement: placementOf(flags.placement ?? 'spread'),
    },
  }
}

function portRangeOf(text: string): { min: number; max: number } {
  const m = /^(\d+)-(\d+)$/.exec(text.trim())
  const min = Number(m?.[1])
  const max = Number(m?.[2])
  if (m === null || min < 1 || max > 65535 || min > max) throw new ConfigError(`--host-port-range: expected MIN-MAX within 1-65535, got "${text}"`)
  return { min, max }
}

function placementOf(text: string): 'spread' | 'binpack' {
  if (text !== 'spread' && text !== 'binpack') throw new ConfigError(`--placement: expected spread or binpack, got "${text}"`)
  return text
}

function positiveInt(text: string, flag: string): number {
  const n = Number(text)
  if (!Number.isInteger(n) || n < 1) throw new ConfigError(`${flag}: expected a positive integer, got "${text}"`)
  return n
}

export function registerAgentCommand(program: Command): void {
  program
    .command('agent')
    .description('run a shoal node: join or create a cluster and serve the API')
    .option('--data-dir <dir>', 'state directory (identity, keys, stores)', './.shoal')
    .option('--name <name>', 'node name (default: remembered name, else the hostname)')
    .option('--p2p <host:port>', 'peer-to-peer listen address', '0.0.0.0:7946')
    .option('--api <host:port>', 'HTTP API listen address', '0.0.0.0:7070')
    .option('--join <addr>', 'a member to join through: HOST:PORT or a multiaddr (repeatable)', collect, [])
    .option('--bootstrap-expect <n>', 'form the first voter set once N nodes that list each other are present')
    .option('--cluster-key <file>', 'the cluster key file of the cluster to join (or set SHOAL_CLUSTER_KEY)')
    .option('--runtime <kind>', 'container runtime: auto, docker or process', 'auto')
    .option('--labels <k=v,...>', 'node labels for nodeSelector')
    .option('--cpu <millicores>', 'cpu capacity to offer, in millicores (default: all cores)')
    .option('--memory <bytes>', 'memory capacity to offer, bytes or quantity like 8Gi (default: all memory)')
    .option('--log-level <level>', 'trace, debug, info, warn or error', 'info')
    .option('--heartbeat-interval <duration>', 'how often to publish a heartbeat', '1s')
    .option('--suspect-after <duration>', 'silence after which a member is suspect', '3s')
    .option('--down-after <duration>', 'silence after which a member is down', '5s')
    .option('--voter-replace-after <duration>', 'autopilot replaces a raft voter that stays down this long', '20s')
    .option('--reschedule-after <duration>', 'reschedule the pods of a node that stays down this long', '2s')
    .option('--reschedule-left-after <duration>', 'reschedule the pods of a node that stopped gracefully and stays away this long (a restart within it keeps them)', LEFT_GRACE_DEFAULT)
    .option('--placement <strategy>', 'spread (least allocated) or binpack (most allocated)', 'spread')
    .option('--host-port-range <min-max>', 'host ports handed out to container ports without a fixed hostPort', '30000-32767')
    .option('--service-address <ip>', 'address the service proxy listens on for every service port', '0.0.0.0')
    .option('--dns <host:port|off>', 'service DNS server answering NAME.NS.svc.shoal', '0.0.0.0:8600')
    .option('--force-new-cluster', 'disaster recovery: restart as the only raft voter, keeping the local log (see README)')
    .addOption(new Option('--test-hooks', 'enable fault-injection endpoints (tests only)').hideHelp())
    .addOption(new Option('--raft-snapshot-entries <n>', 'applied entries between raft snapshots').hideHelp())
    .action(async (flags: AgentFlags) => {
      await runAgent(flags)
    })
}

async function runAgent(flags: AgentFlags): Promise<void> {
  let config: AgentConfig
  try {
    config = agentConfigFromFlags(flags)
  } catch (err) {
    if (err instanceof ConfigError) throw new CliError(err.message, 2)
    throw err
  }
  // Loaded here, not at the top: libp2p takes most of a second to import, and every other
  // command (get, apply, ...) should start fast.
  const { Agent } = await import('../../node/agent.js')
  // The agent builds the logger: only it knows the node's name (--name, else the one remembered
  // in the data dir, else the hostname), which every line carries, with the peer id.
  const agent = await Agent.create(config, { logging: { pretty: process.stdout.isTTY === true } })
  const logger = agent.logger
  let stopping = false
  const shutdown = async (code: number): Promise<void> => {
    if (stopping) return
    stopping = true
    try {
      await agent.stop()
    } catch (err) {
      logger.error({ err }, 'error while stopping')
      code = code === 0 ? 1 : code
    }
    logger.flush()
    process.exit(code)
  }
  // A daemon should outlive a stray rejected promise (log it loudly, it is a bug); an uncaught
  // exception may have left state half-updated, so that one still ends the process.
  process.on('unhandledRejection', (reason) => logger.error({ err: reason }, 'unhandled promise rejection'))
  process.on('uncaughtException', (err) => {
    logger.fatal({ err }, 'uncaught exception; exiting')
    logger.flush()
    process.exit(1)
  })
  agent.events.on('join:rejected', (err) => {
    logger.error(err.message)
    process.stderr.write(`shoal: ${err.message}\n`)
    void shutdown(2)
  })
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.on(signal, () => {
      if (stopping) process.exit(1)
      logger.info({ signal }, 'leaving the cluster')
      void shutdown(0)
    })
  }
  await agent.start()
  const banner = agent.createdCluster
    ? `\nCreated a new shoal cluster. API: ${agent.apiUrl}\nTo add a machine, copy ${agent.clusterKeyPath} to it and run:\n\n  ${agent.joinCommand()}\n\n`
    : `\nshoal node "${agent.name}" started. API: ${agent.apiUrl}  p2p: ${agent.info.p2p}\n`
  process.stderr.write(banner)
}
