import type { ChildProcess } from 'node:child_process'
import { constants } from 'node:os'
import { exitReason } from './labels.js'
import { identify, liveness, readCmdline } from './proc-liveness.js'
import { isWrapperOf } from './process-spawn.js'
import type { ExitFile, ProcessRecord, ProcessStore } from './process-store.js'
import type { ContainerInfo } from './types.js'

export type ProcessExit = NonNullable<ProcessRecord['exit']>

export function exitFromFile(file: ExitFile): ProcessExit {
  return { code: file.code, reason: exitReason(file.code), finishedAt: file.finishedAt }
}

/**
 * Decides what became of a process container, from the evidence in order of trust: the exit file
 * its wrapper wrote, the wrapper's liveness (pid + start time), and, for wrappers this agent
 * spawned, what it saw as their parent. Once an exit is known it is written to the state file and
 * never revisited.
 */
export class ProcessObserver {
  /** Wrappers spawned by this agent run, so their fate can be read as their parent. */
  readonly children = new Map<string, ChildProcess>()
  /** Containers being stopped or removed; their exit is left to the one stopping them. */
  readonly busy = new Set<string>()

  constructor(
    private readonly store: ProcessStore,
    /** A record without a pid younger than this is still being spawned. */
    private readonly spawnGraceMs: number,
  ) {}

  /**
   * Bring a record up to date with the process it describes, recording the exit once it is known.
   * `force` lets the one stopping a container observe it while it is busy.
   */
  async observe(record: ProcessRecord, force = false): Promise<ProcessRecord> {
    if (record.exit !== undefined || (this.busy.has(record.id) && !force)) return record
    const written = await this.store.readExitFile(record.id)
    if (written !== undefined) return this.finish(record, exitFromFile(written))
    const current = record.process === undefined ? await this.recoverIdentity(record) : record
    if (current?.process === undefined) {
      if (Date.now() - Date.parse(record.createdAt) < this.spawnGraceMs) return record
      return this.finish(record, { reason: 'ContainerStatusUnknown', message: 'the process was never seen running', finishedAt: new Date().toISOString() })
    }
    if ((await liveness(current.process)) === 'alive') return current
    // The wrapper writes the exit file before exiting: look again now that it is gone.
    const late = await this.store.readExitFile(current.id)
    if (late !== undefined) return this.finish(current, exitFromFile(late))
    const child = this.children.get(current.id)
    if (child !== undefined && child.exitCode === null && child.signalCode === null) return current // not reaped yet
    if (child !== undefined && child.signalCode !== null) {
      const code = 128 + (constants.signals[child.signalCode] ?? 0)
      return this.finish(current, { code, reason: 'Error', message: `the wrapper was killed by ${child.signalCode}`, finishedAt: new Date().toISOString() })
    }
    return this.finish(current, {
      reason: 'ContainerStatusUnknown',
      message: 'the process exited while no agent was watching it and left no exit code',
      finishedAt: new Date().toISOString(),
    })
  }

  async finish(record: ProcessRecord, exit: ProcessExit): Promise<ProcessRecord> {
    const done = { ...record, exit }
    await this.store.write(done)
    this.children.delete(record.id)
    return done
  }

  /**
   * After a crash between spawning a wrapper and recording its pid, find it by the pid file it
   * wrote, trusting the pid only if that process's command line names this container's directory.
   */
  private async recoverIdentity(record: ProcessRecord): Promise<ProcessRecord | undefined> {
    const pid = await this.store.readPidFile(record.id)
    if (pid === undefined) return undefined
    const argv = await readCmdline(pid)
    const identity = argv !== undefined && isWrapperOf(argv, this.store.dir(record.id)) ? await identify(pid) : undefined
    if (identity === undefined) return undefined
    const recovered = { ...record, process: identity, startedAt: record.createdAt }
    await this.store.write(recovered)
    return recovered
  }
}

/** The runtime-neutral view of a record. */
export function recordToInfo(record: ProcessRecord): ContainerInfo {
  const { spec, exit } = record
  const info: ContainerInfo = {
    id: record.id,
    runtime: 'process',
    podUid: spec.podUid,
    podName: spec.podName,
    namespace: spec.namespace,
    containerName: spec.containerName,
    state: exit !== undefined ? 'exited' : record.process !== undefined ? 'running' : 'created',
    createdAt: record.createdAt,
    specHash: record.specHash,
    labels: record.labels,
  }
  if (record.startedAt !== undefined) info.startedAt = record.startedAt
  if (record.process !== undefined) info.pid = record.process.pid
  if (exit !== undefined) {
    if (exit.code !== undefined) info.exitCode = exit.code
    info.reason = exit.reason
    if (exit.message !== undefined) info.message = exit.message
    info.finishedAt = exit.finishedAt
  }
  return info
}
