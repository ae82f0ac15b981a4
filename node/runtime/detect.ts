import type { Logger } from 'pino'
import type { Startable } from '../../lib/startable.js'
import type { RuntimeChoice } from '../config/agent-config.js'
import { DockerRuntime } from './docker-runtime.js'
import type { DockerRuntimeInit } from './docker-runtime.js'
import { RuntimeUnavailableError } from './errors.js'
import { ProcessRuntime } from './process-runtime.js'
import type { ProcessRuntimeInit } from './process-runtime.js'
import type { ContainerRuntime, RuntimeName } from './types.js'

export interface DetectComponents {
  logger: Logger
  dataDir: string
}

export interface DetectInit {
  /** `--runtime`: auto (default) = Docker when its socket answers, plus process always. */
  runtime?: RuntimeChoice
  docker?: DockerRuntimeInit
  process?: ProcessRuntimeInit
}

/**
 * The runtimes this node offers, preferred first. `docker` insists on a Docker engine and fails
 * with RuntimeUnavailableError without one; `process` never touches Docker. The runtimes are
 * returned unstarted: the caller owns their lifecycle.
 */
export async function detectRuntimes(components: DetectComponents, init: DetectInit = {}): Promise<ContainerRuntime[]> {
  const choice = init.runtime ?? 'auto'
  // Each runtime binds its own `component`; only detection's own lines carry this one.
  const log = components.logger.child({ component: 'runtime-detect' })
  const processRuntime = (): ProcessRuntime => new ProcessRuntime({ logger: components.logger, dataDir: components.dataDir }, init.process)
  if (choice === 'process') return [processRuntime()]
  const docker = new DockerRuntime({ logger: components.logger }, init.docker)
  const answers = await docker.available()
  if (choice === 'docker') {
    if (!answers) throw new RuntimeUnavailableError('docker', 'no Docker engine answers on its socket (--runtime docker)')
    return [docker]
  }
  log.info({ docker: answers }, answers ? 'docker engine found; offering docker and process runtimes' : 'no docker engine; offering the process runtime')
  return answers ? [docker, processRuntime()] : [processRuntime()]
}

/** Under `auto`, a docker runtime for an engine that did not answer at start, for RuntimeWatch to offer once it does. */
export function laterRuntimes(components: DetectComponents, init: DetectInit, offered: readonly ContainerRuntime[]): ContainerRuntime[] {
  if ((init.runtime ?? 'auto') !== 'auto' || offered.some((r) => r.name === 'docker')) return []
  return [new DockerRuntime({ logger: components.logger }, init.docker)]
}

export interface RuntimeWatchComponents {
  logger: Logger
  /**
   * The runtimes the agent offers. The reconciler and the container and log routes hold this
   * very array, so a runtime added to it here is used by them from their next round on.
   */
  runtimes: ContainerRuntime[]
  /** Runtimes not offered at start that may come up later (see laterRuntimes). */
  later?: ContainerRuntime[]
}

/**
 * Keeps the runtime list of the heartbeat true: every `intervalMs` each runtime is pinged (a
 * bounded, cheap check), so the scheduler stops placing docker pods here when the engine stops
 * answering, and starts again when it is back, or when an engine that was absent at start
 * comes up.
 */
export class RuntimeWatch implements Startable {
  private current: RuntimeName[] = []
  private timer: NodeJS.Timeout | undefined
  private running = false
  private checking: Promise<void> | undefined
  private readonly added: ContainerRuntime[] = []

  constructor(
    private readonly components: RuntimeWatchComponents,
    private readonly init: { intervalMs?: number } = {},
  ) {}

  /** The runtimes that answered at the last check, preferred first. */
  get names(): RuntimeName[] {
    return this.current
  }

  async start(): Promise<void> {
    this.running = true
    await this.check()
    this.timer = setInterval(() => void this.check(), this.init.intervalMs ?? 10_000)
  }

  async stop(): Promise<void> {
    this.running = false
    clearInterval(this.timer)
    await this.checking
    for (const r of this.added) await r.stop()
  }

  /** Check now; a check already under way is joined rather than doubled. */
  check(): Promise<void> {
    this.checking ??= this.probe().finally(() => (this.checking = undefined))
    return this.checking
  }

  private async probe(): Promise<void> {
    const { runtimes, logger } = this.components
    for (const r of this.components.later ?? []) {
      if (!this.running || runtimes.includes(r) || !(await r.available())) continue
      await r.start()
      this.added.push(r)
      // First, as detectRuntimes orders them: docker is preferred when a pod could use either.
      runtimes.unshift(r)
    }
    const names = await availableRuntimeNames(runtimes)
    if (this.running && names.join() !== this.current.join()) {
      if (this.current.length > 0) logger.info({ runtimes: names, before: this.current }, 'the runtimes this node offers changed')
      this.current = names
    }
  }
}

/** The names of the runtimes that answer now, for the heartbeat; each check is bounded (~1 s). */
export async function availableRuntimeNames(runtimes: readonly ContainerRuntime[]): Promise<RuntimeName[]> {
  const answers = await Promise.all(runtimes.map(async (r) => ((await r.available()) ? r.name : undefined)))
  return answers.filter((name): name is RuntimeName => name !== undefined)
}

/**
 * Which runtime runs a pod: its `runtimeClassName` when set; otherwise docker when every container
 * has an image and docker is offered, else process when every container has a command. Shared by
 * the scheduler's filter (over heartbeat names) and the reconciler, so both decide alike.
 */
export function pickRuntime(
  offered: readonly string[],
  pod: { runtimeClassName?: string; containers: ReadonlyArray<{ image?: string; command?: readonly string[] }> },
): RuntimeName | undefined {
  const wanted = pod.runtimeClassName
  if (wanted !== undefined) return (wanted === 'docker' || wanted === 'process') && offered.includes(wanted) ? wanted : undefined
  const allImages = pod.containers.every((c) => c.image !== undefined && c.image !== '')
  const allCommands = pod.containers.every((c) => c.command !== undefined && c.command.length > 0)
  if (allImages && offered.includes('docker')) return 'docker'
  if (allCommands && offered.includes('process')) return 'process'
  return undefined
}
