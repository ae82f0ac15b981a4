// The peers of the workloads benchmark on the same Docker engine: a single-node Docker Swarm
// service of `sleep 3600` replicas, and plain `docker run -d` of as many containers (the floor).
// Everything it creates is labelled or named `shoal-bench-…` and removed however the run ends.
import { spawn } from 'node:child_process'
import { readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type Dockerode from 'dockerode'
import { sleep, waitFor } from '../test/harness/wait.js'
import type { CleanupStack } from './workloads-cleanup.js'

const SERVICE_PREFIX = 'shoal-bench-sw-'
const RUN_LABEL = 'shoal.bench/run'
/**
 * Written while our swarm exists (`PID [bridge]`), so a later run can leave a swarm that a killed
 * run left behind, and remove the bridge network if that swarm made it.
 */
const MARKER = join(tmpdir(), 'shoal-bench-swarm.pid')

export interface DockerCli {
  code: number
  stdout: string
  stderr: string
}

export function dockerCli(args: string[]): Promise<DockerCli> {
  return new Promise((resolve, reject) => {
    const child = spawn('docker', args, { stdio: ['ignore', 'pipe', 'pipe'] })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()))
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()))
    child.once('error', reject)
    child.once('close', (code) => resolve({ code: code ?? -1, stdout, stderr }))
  })
}

async function mustDocker(args: string[]): Promise<string> {
  const r = await dockerCli(args)
  if (r.code !== 0) throw new Error(`docker ${args.slice(0, 3).join(' ')} failed (${r.code}): ${r.stderr.trim()}`)
  return r.stdout
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch {
    return false
  }
}

async function swarmState(docker: Dockerode): Promise<string> {
  const info = (await docker.info()) as { Swarm?: { LocalNodeState?: string } }
  return info.Swarm?.LocalNodeState ?? 'unknown'
}

async function gwbridgeExists(docker: Dockerode): Promise<boolean> {
  return (await docker.listNetworks({ filters: { name: ['docker_gwbridge'] } })).some((n) => n.Name === 'docker_gwbridge')
}

async function removeServiceContainers(docker: Dockerode, name?: string): Promise<void> {
  const all = await docker.listContainers({ all: true, filters: { label: [name === undefined ? 'com.docker.swarm.service.name' : `com.docker.swarm.service.name=${name}`] } })
  const ours = all.filter((c) => (c.Labels['com.docker.swarm.service.name'] ?? '').startsWith(SERVICE_PREFIX))
  await Promise.allSettled(ours.map((c) => docker.getContainer(c.Id).remove({ force: true })))
}

/** A single-node swarm on 127.0.0.1 for the duration of the session; left (and its bridge removed) by the clean-up. */
export class SwarmSession {
  private createdBridge = false

  constructor(
    private readonly docker: Dockerode,
    private readonly cleanups: CleanupStack,
  ) {}

  /** Join a fresh swarm; returns why not when the engine is already in one that is not ours. */
  async start(): Promise<string | undefined> {
    let state = await swarmState(this.docker)
    if (state === 'active') {
      const [pidText, bridge] = (await readFile(MARKER, 'utf8').catch(() => '')).trim().split(' ')
      const pid = Number(pidText)
      if (!Number.isInteger(pid) || pid <= 0 || pidAlive(pid)) return 'skipped: this engine is already in a swarm that this benchmark did not create'
      // A killed run's swarm: leave it as that run would have.
      this.createdBridge = bridge === 'bridge'
      await this.leave()
      state = await swarmState(this.docker)
    }
    if (state !== 'inactive') return `skipped: the engine's swarm state is ${state}`
    this.createdBridge = !(await gwbridgeExists(this.docker))
    this.cleanups.push('leave the benchmark swarm', () => this.leave())
    await writeFile(MARKER, `${process.pid}${this.createdBridge ? ' bridge' : ''}\n`)
    await mustDocker(['swarm', 'init', '--advertise-addr', '127.0.0.1'])
    return undefined
  }

  /**
   * Time from `docker service create` to `replicas` tasks Running (tasks polled through the API),
   * then remove the service and wait until its containers are gone.
   */
  async trial(name: string, image: string, replicas: number, opts: { pollMs: number; timeoutMs: number }): Promise<number> {
    const service = `${SERVICE_PREFIX}${name}`
    const t0 = performance.now()
    // --no-resolve-image: the image is local and no registry is reachable; the workers still try a
    // pull of the tag before each task (Swarm's behaviour) and fall back to the local image.
    await mustDocker(['service', 'create', '--detach', '--no-resolve-image', '--name', service, '--network', 'host', '--mode', 'replicated', '--replicas', String(replicas), '--stop-grace-period', '1s', image, 'sleep', '3600'])
    try {
      await waitFor(
        async () => {
          const tasks = (await this.docker.listTasks({ filters: { service: [service], 'desired-state': ['running'] } })) as { Status?: { State?: string } }[]
          return tasks.filter((t) => t.Status?.State === 'running').length === replicas
        },
        { timeoutMs: opts.timeoutMs, intervalMs: opts.pollMs, message: `${replicas} tasks of ${service} running` },
      )
      return performance.now() - t0
    } finally {
      await dockerCli(['service', 'rm', service])
      await waitFor(async () => (await this.docker.listContainers({ all: true, filters: { label: [`com.docker.swarm.service.name=${service}`] } })).length === 0, {
        timeoutMs: 60_000,
        intervalMs: 250,
        message: `containers of ${service} removed`,
      }).catch(() => removeServiceContainers(this.docker, service))
    }
  }

  private async leave(): Promise<void> {
    const services = (await dockerCli(['service', 'ls', '--format', '{{.Name}}'])).stdout.split('\n').filter((s) => s.startsWith(SERVICE_PREFIX))
    if (services.length > 0) await dockerCli(['service', 'rm', ...services])
    if ((await swarmState(this.docker)) !== 'inactive') await mustDocker(['swarm', 'leave', '--force'])
    await removeServiceContainers(this.docker)
    // The bridge Swarm made for itself; only once no container uses it any more.
    if (this.createdBridge) {
      await waitFor(async () => (await dockerCli(['network', 'rm', 'docker_gwbridge'])).code === 0 || !(await gwbridgeExists(this.docker)), { timeoutMs: 20_000, intervalMs: 500 }).catch(() => undefined)
    }
    await rm(MARKER, { force: true })
  }
}

/**
 * `docker run -d` of `n` containers, all at once (`parallel`) or one after another: the time until
 * every command has returned (each returns once its container has started). The floor for a
 * scheduler that drives this engine.
 */
export async function dockerRunTrial(docker: Dockerode, cleanups: CleanupStack, image: string, n: number, parallel: boolean): Promise<number> {
  const label = `${RUN_LABEL}=${process.pid}`
  // Ours, and any that a killed run left behind (its pid is gone).
  const removeAll = async (): Promise<void> => {
    const all = await docker.listContainers({ all: true, filters: { label: [RUN_LABEL] } })
    const ours = all.filter((c) => {
      const pid = Number(c.Labels[RUN_LABEL])
      return pid === process.pid || !pidAlive(pid)
    })
    await Promise.allSettled(ours.map((c) => docker.getContainer(c.Id).remove({ force: true })))
  }
  const undo = cleanups.push('remove the docker run containers', removeAll)
  await removeAll()
  try {
    const one = (): Promise<string> => mustDocker(['run', '-d', '--network', 'host', '--label', label, image, 'sleep', '3600'])
    const t0 = performance.now()
    if (parallel) await Promise.all(Array.from({ length: n }, one))
    else for (let i = 0; i < n; i++) await one()
    return performance.now() - t0
  } finally {
    await removeAll()
    undo()
    await sleep(500)
  }
}
