import type { Duplex } from 'node:stream'
import Dockerode from 'dockerode'
import type { Logger } from 'pino'
import { delay } from './delay.js'
import { ContainerNotFoundError, ExecTimeoutError, InvalidContainerSpecError } from './errors.js'
import { containerName, createOptions, mapDockerError, statusCode, toInfo } from './docker-mapping.js'
import { imagePresent, pullImage } from './docker-pull.js'
import { collectText, demuxDockerStream } from './docker-stream.js'
import { LABEL_MANAGED, LABEL_OWNER, isManaged, managedLabels } from './labels.js'
import type { ContainerInfo, ContainerRuntime, ContainerSpec, ExecResult, LogOptions, PullProgress } from './types.js'

/*
 * The docker runtime drives a local engine through dockerode. Containers use the host network,
 * carry the shoal labels, have no Docker restart policy (the reconciler restarts them) and keep
 * their identity across agent restarts by construction: a new instance simply lists them.
 */

export interface DockerRuntimeComponents {
  logger: Logger
}

export interface DockerRuntimeInit {
  /**
   * This agent's identity. Its containers carry it, and list() returns only those, so two agents
   * sharing one engine never treat each other's containers as orphans. Absent: every managed one.
   */
  owner?: string
  /** A ready client (tests); otherwise one is made for `socketPath`, or from DOCKER_HOST. */
  docker?: Dockerode
  socketPath?: string
  /** available() gives up after this long (default 1000 ms). */
  pingTimeoutMs?: number
  /** A pull that takes longer fails with ImagePullError (default 10 min). */
  pullTimeoutMs?: number
  /** Inspects in flight at once while listing (default 8). */
  listConcurrency?: number
  maxExecOutputBytes?: number
}

function clientOptions(init: DockerRuntimeInit): Dockerode.DockerOptions {
  if (init.socketPath !== undefined) return { socketPath: init.socketPath }
  return process.env['DOCKER_HOST'] === undefined ? { socketPath: '/var/run/docker.sock' } : {}
}

export class DockerRuntime implements ContainerRuntime {
  readonly name = 'docker' as const
  private readonly log: Logger
  private readonly docker: Dockerode
  private readonly pingTimeoutMs: number
  private readonly pullTimeoutMs: number
  private readonly listConcurrency: number
  private readonly maxExecOutputBytes: number
  private readonly owner: string | undefined
  private lifetime = new AbortController()

  constructor(components: DockerRuntimeComponents, init: DockerRuntimeInit = {}) {
    this.log = components.logger.child({ component: 'docker-runtime' })
    this.docker = init.docker ?? new Dockerode(clientOptions(init))
    this.pingTimeoutMs = init.pingTimeoutMs ?? 1000
    this.pullTimeoutMs = init.pullTimeoutMs ?? 10 * 60_000
    this.listConcurrency = init.listConcurrency ?? 8
    this.maxExecOutputBytes = init.maxExecOutputBytes ?? 64 * 1024
    this.owner = init.owner
  }

  start(): void {
    if (this.lifetime.signal.aborted) this.lifetime = new AbortController()
  }

  /** Ends log follows and pulls in progress; containers keep running. */
  stop(): void {
    this.lifetime.abort()
  }

  async available(): Promise<boolean> {
    try {
      // dockerode 5 takes an abort signal here; its @types (4.x) do not declare it yet.
      const ping = this.docker.ping as unknown as (opts: { abortSignal: AbortSignal }) => Promise<unknown>
      await ping.call(this.docker, { abortSignal: AbortSignal.timeout(this.pingTimeoutMs) })
      return true
    } catch {
      return false
    }
  }

  async list(): Promise<ContainerInfo[]> {
    let found: Dockerode.ContainerInfo[]
    try {
      found = await this.docker.listContainers({ all: true, filters: { label: [`${LABEL_MANAGED}=true`, ...(this.owner !== undefined ? [`${LABEL_OWNER}=${this.owner}`] : [])] } })
    } catch (err) {
      throw mapDockerError(err, { on: 'engine' })
    }
    const infos: ContainerInfo[] = []
    const queue = [...found]
    const worker = async (): Promise<void> => {
      for (let next = queue.shift(); next !== undefined; next = queue.shift()) {
        const info = await this.inspect(next.Id)
        if (info !== undefined && isManaged(info.labels)) infos.push(info)
      }
    }
    await Promise.all(Array.from({ length: Math.min(this.listConcurrency, queue.length) }, worker))
    return infos
  }

  async inspect(id: string): Promise<ContainerInfo | undefined> {
    try {
      return toInfo(await this.docker.getContainer(id).inspect())
    } catch (err) {
      if (statusCode(err) === 404) return undefined
      throw mapDockerError(err, { on: 'container', id })
    }
  }

  async create(spec: ContainerSpec): Promise<ContainerInfo> {
    const image = spec.image
    if (image === undefined || image === '') throw new InvalidContainerSpecError('the docker runtime needs an image')
    let container: Dockerode.Container
    try {
      container = await this.docker.createContainer(createOptions(spec, containerName(spec), { ...managedLabels(spec), ...(this.owner !== undefined ? { [LABEL_OWNER]: this.owner } : {}) }))
    } catch (err) {
      throw mapDockerError(err, { on: 'create', image })
    }
    try {
      await container.start()
    } catch (err) {
      // The engine records why (e.g. executable not found); inspect reports it as an exit.
      if (statusCode(err) === undefined) throw mapDockerError(err, { on: 'container', id: container.id })
      this.log.debug({ id: container.id, err }, 'container did not start')
    }
    const info = await this.inspect(container.id)
    // Only if something removed it between create and inspect.
    if (info === undefined) throw new ContainerNotFoundError(container.id)
    return info
  }

  async terminate(id: string, graceSeconds: number): Promise<void> {
    try {
      // Docker sends the stop signal, waits t seconds, then SIGKILL.
      await this.docker.getContainer(id).stop({ t: Math.max(0, Math.round(graceSeconds)) })
    } catch (err) {
      if (statusCode(err) === 304) return // already stopped
      throw mapDockerError(err, { on: 'container', id })
    }
  }

  async remove(id: string): Promise<void> {
    try {
      await this.docker.getContainer(id).remove({ force: true, v: true })
    } catch (err) {
      throw mapDockerError(err, { on: 'container', id })
    }
  }

  async *logs(id: string, options: LogOptions = {}): AsyncIterable<Uint8Array> {
    const signal = options.signal === undefined ? this.lifetime.signal : AbortSignal.any([options.signal, this.lifetime.signal])
    const base = { stdout: true, stderr: true, ...(options.tailLines === undefined ? {} : { tail: options.tailLines }) }
    const container = this.docker.getContainer(id)
    if (options.follow !== true) {
      let buf: Buffer
      try {
        buf = await container.logs({ ...base, follow: false })
      } catch (err) {
        throw mapDockerError(err, { on: 'container', id })
      }
      yield* demuxDockerStream([Buffer.isBuffer(buf) ? buf : Buffer.from(String(buf))])
      return
    }
    if (signal.aborted) return
    let stream: NodeJS.ReadableStream
    try {
      stream = await container.logs({ ...base, follow: true, abortSignal: signal })
    } catch (err) {
      if (signal.aborted) return
      throw mapDockerError(err, { on: 'container', id })
    }
    const destroy = (): void => void (stream as NodeJS.ReadableStream & { destroy(): void }).destroy()
    signal.addEventListener('abort', destroy, { once: true })
    try {
      yield* demuxDockerStream(stream as AsyncIterable<Buffer>)
    } catch (err) {
      if (!signal.aborted) throw mapDockerError(err, { on: 'container', id })
    } finally {
      signal.removeEventListener('abort', destroy)
      destroy()
    }
  }

  async exec(id: string, command: string[], timeoutMs: number): Promise<ExecResult> {
    const deadline = Date.now() + timeoutMs
    let exec: Dockerode.Exec
    let stream: Duplex
    try {
      exec = await this.docker.getContainer(id).exec({ Cmd: command, AttachStdout: true, AttachStderr: true, Tty: false })
      stream = await exec.start({ hijack: true, stdin: false })
    } catch (err) {
      throw mapDockerError(err, { on: 'exec', id })
    }
    // Docker has no call to kill an exec: on timeout the command may go on inside the container.
    const timer = setTimeout(() => stream.destroy(), Math.max(0, deadline - Date.now()))
    let output: string
    try {
      output = await collectText(demuxDockerStream(stream), this.maxExecOutputBytes)
    } catch (err) {
      throw Date.now() >= deadline ? new ExecTimeoutError(id, timeoutMs) : mapDockerError(err, { on: 'exec', id })
    } finally {
      clearTimeout(timer)
    }
    if (stream.destroyed && Date.now() >= deadline) throw new ExecTimeoutError(id, timeoutMs)
    // The stream can end a moment before the engine records the exit code.
    for (;;) {
      const state = await exec.inspect().catch((err: unknown) => {
        throw mapDockerError(err, { on: 'exec', id })
      })
      if (!state.Running) return { exitCode: state.ExitCode ?? -1, output }
      if (Date.now() >= deadline) throw new ExecTimeoutError(id, timeoutMs)
      await delay(10)
    }
  }

  async ensureImage(image: string, onProgress?: (progress: PullProgress) => void): Promise<void> {
    try {
      if (await imagePresent(this.docker, image)) return
    } catch (err) {
      throw mapDockerError(err, { on: 'engine' })
    }
    this.log.info({ image }, 'pulling image')
    await pullImage(this.docker, image, AbortSignal.any([this.lifetime.signal, AbortSignal.timeout(this.pullTimeoutMs)]), onProgress)
  }

  /** Docker keeps nothing for a pod beyond its containers. */
  async removePod(): Promise<void> {}
}
