import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { listNodes } from './api.js'
import type { ProcessAgentOptions } from './processes.js'
import { ProcessAgent } from './processes.js'
import { raftView } from './raft-view.js'
import { waitFor } from './wait.js'

/**
 * Agent processes in one temp root: the first creates the cluster, every later one joins through
 * it with its key. Agent i proxies services on 127.0.0.i and gets its own host-port slice, as
 * separate machines would. `close()` kills agents and their containers and removes the files.
 */
export class ProcessCluster {
  readonly agents: ProcessAgent[] = []

  private constructor(
    readonly root: string,
    private readonly prefix: string,
    private readonly args: string[],
  ) {}

  static async create(prefix: string, args: string[] = []): Promise<ProcessCluster> {
    return new ProcessCluster(await mkdtemp(join(tmpdir(), `shoal-${prefix}-`)), prefix, args)
  }

  /** Start `n` agents and wait until the voter set is formed and every agent sees every node Ready. */
  static async start(prefix: string, n: number, args: string[] = []): Promise<ProcessCluster> {
    const c = await ProcessCluster.create(prefix, args)
    try {
      for (let i = 0; i < n; i++) await c.add()
      await c.formed()
    } catch (err) {
      await c.close()
      throw err
    }
    return c
  }

  async add(overrides: Partial<ProcessAgentOptions> = {}): Promise<ProcessAgent> {
    const i = this.agents.length + 1
    const name = overrides.name ?? `${this.prefix}${i}`
    const first = this.agents[0]
    const agent = new ProcessAgent({
      name,
      dataDir: join(this.root, name),
      serviceAddress: `127.0.0.${i}`,
      args: this.args,
      ...(first !== undefined ? { join: [first.p2pHostPort], clusterKeyFile: join(first.options.dataDir, 'cluster.key') } : {}),
      ...overrides,
    })
    await agent.start()
    this.agents.push(agent)
    return agent
  }

  /** Wait for the expected voter count (1, 3 or 5) and for every agent to list every node Ready. */
  async formed(): Promise<void> {
    const n = this.agents.length
    const voters = Math.min(n % 2 === 1 ? n : n - 1, 5)
    await waitFor(async () => (await raftView(this.agents[0]!.api)).voters.length === voters, { timeoutMs: 60_000, message: `${voters} voters` })
    for (const a of this.agents) {
      await waitFor(async () => (await listNodes(a.api)).filter((x) => x.ready === 'True').length === n, { timeoutMs: 30_000, message: `${a.name} sees ${n} nodes` })
    }
  }

  live(): ProcessAgent[] {
    return this.agents.filter((a) => a.running)
  }

  /** Kill everything; keep the files (logs, stores) when asked, to diagnose a failure. */
  async close(keepFiles = false): Promise<void> {
    await Promise.allSettled(this.agents.map((a) => a.destroy()))
    if (!keepFiles) await rm(this.root, { recursive: true, force: true, maxRetries: 5, retryDelay: 100 })
  }
}
