import { spawn } from 'node:child_process'
import type { ChildProcess } from 'node:child_process'
import { closeSync, openSync } from 'node:fs'
import { constants } from 'node:os'
import { ExecTimeoutError } from './errors.js'
import type { ExecResult } from './types.js'

/**
 * Every container runs under this POSIX sh wrapper, the leader of the container's process group.
 * It records its pid, runs the command in the foreground and writes the exit code to `$dir/exit`,
 * so the code survives the agent: a detached process can only be waited on by its parent, and
 * after an agent restart that parent is gone. The wrapper catches TERM (and HUP, INT, QUIT) with
 * a no-op handler rather than ignoring it, because ignored signals stay ignored across exec while
 * caught ones are reset: the command gets the group's SIGTERM with its default disposition, and sh
 * runs the trap only after the foreground command has finished, so `$?` is the command's status.
 */
const WRAPPER = ['dir=$1', 'shift', 'echo $$ > "$dir/pid"', 'trap : HUP INT QUIT TERM', '"$@"', 'echo $? > "$dir/exit"'].join('\n')
const WRAPPER_NAME = 'shoal-wrapper'
const DEFAULT_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'

export interface WrappedSpawn {
  /** The container directory, where the wrapper writes `pid` and `exit`. */
  dir: string
  argv: string[]
  cwd: string
  env: Record<string, string>
  logPath: string
}

/** The environment a container process sees: a minimal base with the spec's env over it. */
export function containerEnv(cwd: string, env: Record<string, string>): Record<string, string> {
  return { PATH: process.env['PATH'] ?? DEFAULT_PATH, HOME: cwd, ...env }
}

/** Whether `argv` is a wrapper started for the container directory `dir` (recovery after a crash). */
export function isWrapperOf(argv: readonly string[], dir: string): boolean {
  return argv[0] === '/bin/sh' && argv[3] === WRAPPER_NAME && argv[4] === dir
}

/**
 * Start the wrapper detached in its own session and process group, stdout and stderr appended to
 * the log file. Nothing connects it to the agent (no pipes), so it outlives the agent.
 */
export function spawnWrapped(req: WrappedSpawn): ChildProcess {
  const fd = openSync(req.logPath, 'a', 0o600)
  try {
    const child = spawn('/bin/sh', ['-c', WRAPPER, WRAPPER_NAME, req.dir, ...req.argv], {
      cwd: req.cwd,
      env: req.env,
      detached: true,
      stdio: ['ignore', fd, fd],
    })
    child.unref()
    return child
  } finally {
    closeSync(fd)
  }
}

export interface LocalExec {
  containerId: string
  argv: string[]
  cwd: string
  env: Record<string, string>
  timeoutMs: number
  maxOutputBytes: number
}

function signalNumber(signal: NodeJS.Signals): number {
  return constants.signals[signal] ?? 0
}

/**
 * Run a command on the host, the process runtime's "inside the container". It gets its own process
 * group so a timeout kills whatever it started, too. A command that cannot be started reports 127
 * (not found) or 126 (not executable), like a shell.
 */
export function execLocal(req: LocalExec): Promise<ExecResult> {
  return new Promise((resolve, reject) => {
    const [file, ...args] = req.argv
    if (file === undefined) {
      resolve({ exitCode: 127, output: 'empty command' })
      return
    }
    const child = spawn(file, args, { cwd: req.cwd, env: req.env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] })
    const chunks: Buffer[] = []
    let kept = 0
    const keep = (chunk: Buffer): void => {
      if (kept >= req.maxOutputBytes) return
      chunks.push(chunk.subarray(0, req.maxOutputBytes - kept))
      kept += Math.min(chunk.length, req.maxOutputBytes - kept)
    }
    child.stdout.on('data', keep)
    child.stderr.on('data', keep)
    const timer = setTimeout(() => {
      if (child.pid !== undefined) {
        try {
          process.kill(-child.pid, 'SIGKILL')
        } catch {
          // already gone
        }
      }
      reject(new ExecTimeoutError(req.containerId, req.timeoutMs))
    }, req.timeoutMs)
    child.on('error', (err: NodeJS.ErrnoException) => {
      clearTimeout(timer)
      resolve({ exitCode: err.code === 'EACCES' ? 126 : 127, output: err.message })
    })
    child.on('close', (code, signal) => {
      clearTimeout(timer)
      const exitCode = code ?? 128 + (signal === null ? 0 : signalNumber(signal))
      resolve({ exitCode, output: Buffer.concat(chunks).toString('utf8') })
    })
  })
}
