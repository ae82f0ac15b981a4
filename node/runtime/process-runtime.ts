import { access, constants as fsConstants, mkdir } from 'node:fs/promises'
import { constants } from 'node:os'
import type { Logger } from 'pino'
import { delay } from './delay.js'
import { ContainerNotFoundError, ContainerNotRunningError, InvalidContainerSpecError } from './errors.js'
import { managedLabels, specHash } from './labels.js'
import { followFile, readFrom, readTail, rotateIfLarger } from './log-files.js'
import { identifySync, signalGroup, waitForExit } from './proc-liveness.js'
import { exitFromFile, ProcessObserver, recordToInfo } from './process-observer.js'
import type { ProcessExit } from './process-observer.js'
import { containerEnv, execLocal, spawnWrapped } from './process-spawn.js'
import { ProcessStore } from './process-store.js'
import type { ProcessRecord } from './process-store.js'
import type { ContainerInfo, ContainerRuntime, ContainerSpec, ExecResult, LogOptions } from './types.js'

/*
 * The process runtime runs a container's command + args as a local process group.
 *
 * What survives an agent restart: everything. Each container is started detached, in its own
 * session, under a small sh wrapper (process-spawn.ts) with stdout/stderr going straight to a log
 * file, so nothing ties it to the agent. Its state file records the wrapper's pid with the process
 * start time from /proc and the boot id; a new ProcessRuntime over the same data dir lists it as
 * running with the same id and pid, and a recycled pid is never mistaken for it.
 *
 * Exit codes: the wrapper writes the command's exit code to a file as it finishes, whether or not
 * an agent is running, so a code is known even for a container that exited while the agent was
 * down. Only when the wrapper itself dies by a signal is the file missing: if this runtime killed
 * it (stop after the grace period) the code is 137; if it saw the wrapper die as its parent it is
 * 128 + signal; otherwise the container is reported exited with reason ContainerStatusUnknown and
 * no exit code.
 *
 * Logs are bounded by copytruncate (log-files.ts), checked every `logCheckIntervalMs` while the
 * runtime is started; while no agent runs, a log grows unchecked until the next agent rotates it.
 * cpu and memory limits are recorded in the spec but not enforced (no cgroups here); the scheduler
 * still reserves them.
 */

export interface ProcessRuntimeComponents {
  logger: Logger
  /** The agent's data dir; containers live under `containers/`, working dirs under `pods/`. */
  dataDir: string
}

export interface ProcessRuntimeInit {
  /** Rotate a container's log beyond this size (default 10 MiB); one previous part is kept. */
  maxLogBytes?: number
  logCheckIntervalMs?: number
  /** How often a log follower looks for new output (default 200 ms). */
  followPollMs?: number
  maxExecOutputBytes?: number
  /** A record without a pid younger than this is still being spawned (default 10 s). */
  spawnGraceMs?: number
}

export class ProcessRuntime implements ContainerRuntime {
  readonly name = 'process' as const
  private readonly log: Logger
  private readonly store: ProcessStore
  private readonly maxLogBytes: number
  private readonly logCheckIntervalMs: number
  private readonly followPollMs: number
  private readonly maxExecOutputBytes: number
  private readonly observer: ProcessObserver
  private sweepTimer: NodeJS.Timeout | undefined
  private sweeping = false
  private lifetime = new AbortController()

  constructor(components: ProcessRuntimeComponents, init: ProcessRuntimeInit = {}) {
    this.log = components.logger.child({ component: 'process-runtime' })
    this.store = new ProcessStore(components.dataDir)
    this.maxLogBytes = init.maxLogBytes ?? 10 * 1024 * 1024
    this.logCheckIntervalMs = init.logCheckIntervalMs ?? 1000
    this.followPollMs = init.followPollMs ?? 200
    this.maxExecOutputBytes = init.maxExecOutputBytes ?? 64 * 1024
    this.observer = new ProcessObserver(this.store, init.spawnGraceMs ?? 10_000)
  }

  start(): void {
    if (this.sweepTimer !== undefined) return
    this.lifetime = new AbortController()
    this.sweepTimer = setInterval(() => void this.rotateLogs(), this.logCheckIntervalMs)
    this.sweepTimer.unref()
  }

  /** Releases the timer and ends log follows; containers keep running. */
  stop(): void {
    clearInterval(this.sweepTimer)
    this.sweepTimer = undefined
    this.lifetime.abort()
  }

  async available(): Promise<boolean> {
    return access('/bin/sh', fsConstants.X_OK).then(
      () => true,
      () => false,
    )
  }

  async list(): Promise<ContainerInfo[]> {
    const infos = await Promise.all((await this.store.ids()).map((id) => this.inspect(id)))
    return infos.filter((info): info is ContainerInfo => info !== undefined)
  }

  async inspect(id: string): Promise<ContainerInfo | undefined> {
    const record = await this.store.read(id)
    return record === undefined ? undefined : recordToInfo(await this.observer.observe(record))
  }

  async create(spec: ContainerSpec): Promise<ContainerInfo> {
    const argv = [...(spec.command ?? []), ...(spec.args ?? [])]
    if (argv.length === 0) throw new InvalidContainerSpecError('the process runtime needs a command (or args) to run')
    const workingDir = spec.workingDir ?? this.store.podWorkDir(spec.podUid, spec.containerName)
    await mkdir(workingDir, { recursive: true })
    const id = this.store.newId()
    let record: ProcessRecord = {
      v: 1,
      id,
      spec,
      labels: managedLabels(spec),
      specHash: specHash(spec),
      workingDir,
      createdAt: new Date().toISOString(),
    }
    await this.store.write(record, true)
    const child = spawnWrapped({ dir: this.store.dir(id), argv, cwd: workingDir, env: containerEnv(workingDir, spec.env), logPath: this.store.logPath(id) })
    const identity = child.pid === undefined ? undefined : identifySync(child.pid)
    if (child.pid === undefined || identity === undefined) {
      const error = await new Promise<Error | undefined>((resolve) => {
        child.once('error', resolve)
        child.once('exit', () => resolve(undefined))
      })
      record = { ...record, exit: { code: 127, reason: 'ContainerCannotRun', message: error?.message ?? 'the wrapper did not start', finishedAt: new Date().toISOString() } }
    } else {
      this.observer.children.set(id, child)
      record = { ...record, process: identity, startedAt: new Date().toISOString() }
    }
    await this.store.write(record)
    this.log.debug({ id, pod: spec.podName, container: spec.containerName, pid: child.pid }, 'container started')
    return recordToInfo(record)
  }

  async terminate(id: string, graceSeconds: number): Promise<void> {
    await this.exclusively(id, async (record) => {
      await this.terminateRecord(record, graceSeconds * 1000)
    })
  }

  async remove(id: string): Promise<void> {
    await this.exclusively(id, async (record) => {
      await this.terminateRecord(record, 0)
      await this.store.remove(id)
      this.observer.children.delete(id)
    })
  }

  async *logs(id: string, options: LogOptions = {}): AsyncIterable<Uint8Array> {
    await this.require(id)
    const path = this.store.logPath(id)
    let from = 0
    if (options.tailLines !== undefined) {
      const tail = await readTail([this.store.rotatedLogPath(id), path], options.tailLines)
      from = tail.end
      if (tail.data.length > 0) yield tail.data
    } else {
      yield* readFrom(this.store.rotatedLogPath(id), 0)
      from = yield* readFrom(path, 0)
    }
    if (options.follow !== true) return
    const signal = options.signal === undefined ? this.lifetime.signal : AbortSignal.any([options.signal, this.lifetime.signal])
    yield* followFile(path, {
      from,
      pollMs: this.followPollMs,
      signal,
      writerAlive: async () => (await this.inspect(id))?.state === 'running',
    })
  }

  async exec(id: string, command: string[], timeoutMs: number): Promise<ExecResult> {
    const record = await this.observer.observe(await this.require(id))
    if (record.exit !== undefined || record.process === undefined) throw new ContainerNotRunningError(id)
    return execLocal({
      containerId: id,
      argv: command,
      cwd: record.workingDir,
      env: containerEnv(record.workingDir, record.spec.env),
      timeoutMs,
      maxOutputBytes: this.maxExecOutputBytes,
    })
  }

  async removePod(podUid: string): Promise<void> {
    await this.store.removePod(podUid)
  }

  private async require(id: string): Promise<ProcessRecord> {
    const record = await this.store.read(id)
    if (record === undefined) throw new ContainerNotFoundError(id)
    return record
  }

  /** One stop or remove at a time per container. */
  private async exclusively(id: string, work: (record: ProcessRecord) => Promise<void>): Promise<void> {
    const record = await this.require(id)
    while (this.observer.busy.has(id)) await delay(20)
    this.observer.busy.add(id)
    try {
      await work((await this.store.read(id)) ?? record)
    } finally {
      this.observer.busy.delete(id)
    }
  }

  /** SIGTERM to the group, SIGKILL after the grace period, then record how it ended. */
  private async terminateRecord(record: ProcessRecord, graceMs: number): Promise<void> {
    const observed = await this.observer.observe(record, true)
    const proc = observed.process
    // observe() records the exit of anything that is no longer running.
    if (observed.exit !== undefined || proc === undefined) return
    signalGroup(proc.pid, 'SIGTERM')
    const exitedInGrace = await waitForExit(proc, graceMs)
    // Also reaches what the command left behind in its group, as a container's end would.
    signalGroup(proc.pid, 'SIGKILL')
    if (!exitedInGrace && !(await waitForExit(proc, 5000))) this.log.warn({ id: record.id, pid: proc.pid }, 'process group survived SIGKILL')
    const written = await this.store.readExitFile(record.id)
    const killed: ProcessExit = { code: 128 + constants.signals.SIGKILL, reason: 'Error', message: `killed after the grace period of ${graceMs} ms`, finishedAt: new Date().toISOString() }
    await this.observer.finish(observed, written === undefined ? killed : exitFromFile(written))
  }

  private async rotateLogs(): Promise<void> {
    if (this.sweeping) return
    this.sweeping = true
    try {
      for (const id of await this.store.ids()) {
        if (await rotateIfLarger(this.store.logPath(id), this.maxLogBytes)) this.log.debug({ id }, 'log rotated')
      }
    } catch (err) {
      this.log.warn({ err }, 'log rotation failed')
    } finally {
      this.sweeping = false
    }
  }
}
