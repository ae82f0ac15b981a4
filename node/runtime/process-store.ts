import { randomBytes } from 'node:crypto'
import { mkdir, open, readdir, readFile, rename, rm, stat, unlink } from 'node:fs/promises'
import { join } from 'node:path'
import { readJsonIfExists } from '../../lib/files.js'
import { InvalidContainerSpecError } from './errors.js'
import type { ProcessIdentity } from './proc-liveness.js'
import type { ContainerSpec, ExitReason } from './types.js'

/** Everything the process runtime knows about one container, kept in its state file. */
export interface ProcessRecord {
  v: 1
  id: string
  spec: ContainerSpec
  labels: Record<string, string>
  specHash: string
  workingDir: string
  createdAt: string
  /** The wrapper, leader of the container's process group; absent until spawned. */
  process?: ProcessIdentity
  startedAt?: string
  /** Set once the exit is known and final. */
  exit?: { code?: number; reason: ExitReason; message?: string; finishedAt: string }
}

export interface ExitFile {
  code: number
  finishedAt: string
}

const ID = /^[0-9a-f]{16}$/
const PATH_SAFE = /^[A-Za-z0-9][A-Za-z0-9._-]{0,252}$/

/** Refuse names that would escape the data dir when used as a path component. */
export function assertPathSafe(what: string, value: string): void {
  if (!PATH_SAFE.test(value) || value.includes('..')) {
    throw new InvalidContainerSpecError(`${what} "${value}" cannot be used as a directory name`)
  }
}

/**
 * The on-disk layout of the process runtime under the agent's data dir:
 *   containers/<id>/state.json    the ProcessRecord
 *   containers/<id>/output.log    stdout and stderr (+ output.log.1, the previous part)
 *   containers/<id>/pid           written by the wrapper as it starts
 *   containers/<id>/exit          written by the wrapper once its command exits
 *   pods/<podUid>/<container>/    the default working directory, kept across restarts
 */
export class ProcessStore {
  readonly containersDir: string
  readonly podsDir: string

  constructor(root: string) {
    this.containersDir = join(root, 'containers')
    this.podsDir = join(root, 'pods')
  }

  newId(): string {
    return randomBytes(8).toString('hex')
  }

  isId(id: string): boolean {
    return ID.test(id)
  }

  dir(id: string): string {
    return join(this.containersDir, id)
  }

  logPath(id: string): string {
    return join(this.dir(id), 'output.log')
  }

  rotatedLogPath(id: string): string {
    return `${this.logPath(id)}.1`
  }

  exitPath(id: string): string {
    return join(this.dir(id), 'exit')
  }

  pidPath(id: string): string {
    return join(this.dir(id), 'pid')
  }

  podWorkDir(podUid: string, containerName: string): string {
    assertPathSafe('pod uid', podUid)
    assertPathSafe('container name', containerName)
    return join(this.podsDir, podUid, containerName)
  }

  async ids(): Promise<string[]> {
    try {
      return (await readdir(this.containersDir)).filter((name) => ID.test(name))
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return []
      throw err
    }
  }

  async read(id: string): Promise<ProcessRecord | undefined> {
    if (!this.isId(id)) return undefined
    try {
      const record = await readJsonIfExists<ProcessRecord>(join(this.dir(id), 'state.json'))
      return record?.v === 1 && record.id === id ? record : undefined
    } catch {
      // A state file torn by a crash of the filesystem itself; the container is unusable.
      return undefined
    }
  }

  /**
   * Atomically replace the state file. Only `create` makes the directory, so a late update racing
   * with remove() cannot bring a removed container back. Concurrent writers use distinct temp files.
   */
  async write(record: ProcessRecord, create = false): Promise<void> {
    const dir = this.dir(record.id)
    if (create) await mkdir(dir, { recursive: true, mode: 0o700 })
    const tmp = join(dir, `state.json.${randomBytes(4).toString('hex')}.tmp`)
    let fh
    try {
      fh = await open(tmp, 'w', 0o600)
    } catch (err) {
      if (!create && (err as NodeJS.ErrnoException).code === 'ENOENT') return
      throw err
    }
    try {
      await fh.writeFile(JSON.stringify(record) + '\n')
      await fh.sync()
    } finally {
      await fh.close()
    }
    await rename(tmp, join(dir, 'state.json')).catch(async (err: unknown) => {
      await unlink(tmp).catch(() => undefined)
      if (create || (err as NodeJS.ErrnoException).code !== 'ENOENT') throw err
    })
  }

  async remove(id: string): Promise<void> {
    await rm(this.dir(id), { recursive: true, force: true })
  }

  async removePod(podUid: string): Promise<void> {
    assertPathSafe('pod uid', podUid)
    await rm(join(this.podsDir, podUid), { recursive: true, force: true })
  }

  /** The wrapper writes the exit code in one small write; an empty or partial file is not an exit yet. */
  async readExitFile(id: string): Promise<ExitFile | undefined> {
    try {
      const path = this.exitPath(id)
      const [text, info] = await Promise.all([readFile(path, 'utf8'), stat(path)])
      if (!/^\d+\n$/.test(text)) return undefined
      return { code: Number(text.trim()), finishedAt: info.mtime.toISOString() }
    } catch {
      return undefined
    }
  }

  async readPidFile(id: string): Promise<number | undefined> {
    try {
      const text = await readFile(this.pidPath(id), 'utf8')
      return /^\d+\n$/.test(text) ? Number(text.trim()) : undefined
    } catch {
      return undefined
    }
  }
}
