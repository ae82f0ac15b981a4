import type { ChildProcess } from 'node:child_process'
import { spawn } from 'node:child_process'
import { createWriteStream } from 'node:fs'
import { mkdir, readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { TestApi } from './api.js'
import { killProcessContainers } from './containers.js'
import { FAST_TIMING, portSlice } from './in-process.js'
import { cliPath } from '../../lib/repo-root.js'
import { waitFor } from './wait.js'

export interface ProcessAgentOptions {
  name: string
  dataDir: string
  join?: string[]
  clusterKeyFile?: string
  args?: string[]
  env?: Record<string, string>
  /** Loopback address for this agent's service proxy (127.0.0.N), so agents on one machine do not clash. */
  serviceAddress?: string
  /** Use the agent's default failure-detection timings instead of the fast test ones. */
  defaultTiming?: boolean
}

export interface AgentJson {
  api: string
  p2p: string
  peerId: string
  pid: number
}

/**
 * An agent in its own OS process, started through the built CLI, so tests can kill -9 it and
 * restart it over the same data dir exactly as an operator would.
 */
export class ProcessAgent {
  child: ChildProcess | undefined
  api!: TestApi
  info!: AgentJson
  stderr = ''
  private exited: Promise<number | null> = Promise.resolve(null)
  private ports: { p2p: number; api: number } | undefined

  constructor(readonly options: ProcessAgentOptions) {}

  get name(): string {
    return this.options.name
  }

  get peerId(): string {
    return this.info.peerId
  }

  get p2pHostPort(): string {
    const parts = this.info.p2p.split('/')
    return `${parts[2]}:${parts[4]}`
  }

  get running(): boolean {
    return this.child !== undefined && this.child.exitCode === null && this.child.signalCode === null
  }

  /** Spawn the agent; unless `wait` is false, resolve once its API answers. */
  async start(overrides: Partial<ProcessAgentOptions> = {}, wait = true): Promise<this> {
    const o = { ...this.options, ...overrides }
    await mkdir(o.dataDir, { recursive: true })
    const args = [
      cliPath(),
      'agent',
      '--data-dir', o.dataDir,
      '--name', o.name,
      // A restarted agent keeps its ports, as a machine does: peers find it where it was.
      '--p2p', `127.0.0.1:${this.ports?.p2p ?? 0}`,
      '--api', `127.0.0.1:${this.ports?.api ?? 0}`,
      ...(o.defaultTiming === true
        ? []
        : ['--heartbeat-interval', `${FAST_TIMING.heartbeatMs}ms`, '--suspect-after', `${FAST_TIMING.suspectMs}ms`, '--down-after', `${FAST_TIMING.downMs}ms`]),
      '--log-level', process.env['SHOAL_TEST_LOG'] ?? 'info',
      '--test-hooks',
      ...((o.args ?? []).includes('--runtime') ? [] : ['--runtime', 'process']),
      ...((o.args ?? []).includes('--service-address') ? [] : ['--service-address', o.serviceAddress ?? '127.0.0.1']),
      '--dns', '127.0.0.1:0',
      ...((o.args ?? []).includes('--host-port-range') ? [] : ['--host-port-range', `${portSlice(o.serviceAddress).min}-${portSlice(o.serviceAddress).max}`]),
      ...(o.join ?? []).flatMap((j) => ['--join', j]),
      ...(o.clusterKeyFile !== undefined ? ['--cluster-key', o.clusterKeyFile] : []),
      ...(o.args ?? []),
    ]
    const log = createWriteStream(join(o.dataDir, 'agent.log'), { flags: 'a' })
    this.stderr = ''
    const child = spawn(process.execPath, args, { env: { ...process.env, ...o.env }, stdio: ['ignore', 'pipe', 'pipe'] })
    child.stdout.pipe(log)
    child.stderr.on('data', (d: Buffer) => {
      this.stderr += d.toString()
      log.write(d)
    })
    this.child = child
    this.exited = new Promise((resolve) => child.once('exit', (code) => resolve(code)))
    if (wait) await this.waitReady()
    return this
  }

  async waitReady(timeoutMs = 20_000): Promise<void> {
    const child = this.child!
    this.info = await waitFor(
      async () => {
        if (child.exitCode !== null) throw new Error(`agent ${this.name} exited with ${child.exitCode}: ${this.stderr}`)
        const info = JSON.parse(await readFile(join(this.options.dataDir, 'agent.json'), 'utf8')) as AgentJson
        return info.pid === child.pid ? info : undefined
      },
      { timeoutMs, message: `agent ${this.name} did not write agent.json` },
    )
    const token = (await readFile(join(this.options.dataDir, 'admin.token'), 'utf8')).trim()
    this.api = new TestApi(this.info.api, token)
    this.ports = { p2p: Number(this.info.p2p.split('/')[4]), api: Number(new URL(this.info.api).port) }
  }

  /** Resolves with the exit code once the process is gone. */
  waitExit(): Promise<number | null> {
    return this.exited
  }

  async kill9(): Promise<void> {
    if (!this.running) return
    this.child!.kill('SIGKILL')
    await this.exited
  }

  /** Kill the agent and the containers it started: what a test does when it is finished. */
  async destroy(): Promise<void> {
    await this.kill9()
    await killProcessContainers(this.options.dataDir)
  }

  /** SIGTERM: graceful leave; returns the exit code. */
  async stop(): Promise<number | null> {
    if (!this.running) return this.child?.exitCode ?? null
    this.child!.kill('SIGTERM')
    return this.exited
  }

  /** Replace the set of peers this agent refuses links with (through the --test-hooks API). */
  async block(peerIds: string[]): Promise<void> {
    const r = await this.api.request('PUT', '/shoal/v1/debug/links', { blocked: peerIds })
    if (r.status !== 200) throw new Error(`${this.name}: block failed with ${r.status}: ${JSON.stringify(r.body)}`)
  }

  async restart(overrides: Partial<ProcessAgentOptions> = {}): Promise<this> {
    await this.stop()
    return this.start({ join: [], ...overrides })
  }
}

/** Split running agents into groups that cannot reach each other; `partition([all])` heals. */
export async function partition(groups: ProcessAgent[][]): Promise<void> {
  const all = groups.flat()
  await Promise.all(
    all
      .filter((a) => a.running)
      .map((a) => {
        const mine = new Set(groups.find((g) => g.includes(a))!.map((x) => x.peerId))
        return a.block(all.filter((o) => !mine.has(o.peerId)).map((o) => o.peerId))
      }),
  )
}
