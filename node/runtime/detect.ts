import type { Logger } from 'pino'
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
  const processRuntime = (): ProcessRuntime => new ProcessRuntime({ logger: components.logger, dataDir: components.dataDir }, init.process)
  if (choice === 'process') return [processRuntime()]
  const docker = new DockerRuntime({ logger: components.logger }, init.docker)
  const answers = await docker.available()
  if (choice === 'docker') {
    if (!answers) throw new RuntimeUnavailableError('docker', 'no Docker engine answers on its socket (--runtime docker)')
    return [docker]
  }
  components.logger.info({ docker: answers }, answers ? 'docker engine found; offering docker and process runtimes' : 'no docker engine; offering the process runtime')
  return answers ? [docker, processRuntime()] : [processRuntime()]
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
