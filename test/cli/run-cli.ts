import { spawn } from 'node:child_process'
import type { ChildProcess } from 'node:child_process'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { cliPath } from '../../lib/repo-root.js'
import type { TestAgent } from '../harness/in-process.js'

export interface CliResult {
  code: number | null
  stdout: string
  stderr: string
}

function args(agent: TestAgent, argv: readonly string[]): string[] {
  return [cliPath(), '--server', agent.agent.apiUrl, '--token', agent.agent.token, ...argv]
}

/** Node's on-disk compile cache makes each of the many short CLI runs start about a third faster. */
const env = { ...process.env, NODE_COMPILE_CACHE: join(tmpdir(), 'shoal-test-compile-cache') }

/** Run the built `shoal` CLI against an in-process agent, as a user would from a shell. */
export function runCli(agent: TestAgent, argv: readonly string[], stdin?: string): Promise<CliResult> {
  return runShoal(args(agent, argv).slice(1), { stdin })
}

/** Run the built `shoal` CLI with exactly these arguments (no server or token added). */
export function runShoal(argv: readonly string[], opts: { stdin?: string | undefined; env?: Record<string, string> } = {}): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [cliPath(), ...argv], { stdio: ['pipe', 'pipe', 'pipe'], env: { ...env, ...opts.env } })
    let stdout = ''
    let stderr = ''
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d))
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d))
    child.on('error', reject)
    child.on('close', (code) => resolve({ code, stdout, stderr }))
    child.stdin.end(opts.stdin ?? '')
  })
}

/** A long-running CLI (`get -w`), whose output lines are read as they come. */
export class CliStream {
  readonly child: ChildProcess
  private out = ''

  constructor(agent: TestAgent, argv: readonly string[]) {
    this.child = spawn(process.execPath, args(agent, argv), { stdio: ['ignore', 'pipe', 'pipe'], env })
    this.child.stdout!.setEncoding('utf8').on('data', (d: string) => (this.out += d))
  }

  get lines(): string[] {
    return this.out.split('\n').filter((l) => l !== '')
  }

  stop(): Promise<void> {
    return new Promise((resolve) => {
      if (this.child.exitCode !== null) return resolve()
      this.child.once('close', () => resolve())
      this.child.kill()
    })
  }
}
