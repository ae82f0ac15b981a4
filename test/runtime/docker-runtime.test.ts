import { randomUUID } from 'node:crypto'
import { mkdtemp, rm } from 'node:fs/promises'
import { createServer } from 'node:net'
import type { Server, Socket } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Dockerode from 'dockerode'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { silentLogger } from '../../node/logger.js'
import { DockerRuntime } from '../../node/runtime/docker-runtime.js'
import { ImageNotFoundError, ImagePullError, InvalidContainerSpecError } from '../../node/runtime/errors.js'
import type { ContainerSpec, PullProgress } from '../../node/runtime/types.js'
import { DOCKER_SOCKET, dockerAvailable, requireDockerInCi, TEST_IMAGE } from '../harness/docker.js'
import { runtimeCompliance } from './compliance.js'
import type { ComplianceHarness } from './compliance.js'
import { LocalRegistry } from './local-registry.js'
import { shellSpec, TEST_RUN_LABEL, waitForState } from './helpers.js'

const SOCKET = DOCKER_SOCKET
const engine = requireDockerInCi(await dockerAvailable(), 'docker runtime')

interface DockerHarness extends ComplianceHarness {
  runtime: DockerRuntime
  docker: Dockerode
}

async function dockerHarness(): Promise<DockerHarness> {
  const runId = randomUUID()
  const docker = new Dockerode({ socketPath: SOCKET })
  const opened: DockerRuntime[] = []
  const open = (client: Dockerode): DockerRuntime => {
    const runtime = new DockerRuntime({ logger: silentLogger() }, { docker: client })
    runtime.start()
    opened.push(runtime)
    return runtime
  }
  return {
    runId,
    docker,
    runtime: open(docker),
    // A new client, as a restarted agent would have.
    reopen: async () => open(new Dockerode({ socketPath: SOCKET })),
    spec: (script: string, extra?: Partial<ContainerSpec>) => shellSpec({ image: TEST_IMAGE }, runId, script, extra),
    cleanup: async () => {
      const mine = await docker.listContainers({ all: true, filters: { label: [`${TEST_RUN_LABEL}=${runId}`] } })
      await Promise.all(mine.map((c) => docker.getContainer(c.Id).remove({ force: true })))
      for (const r of opened) r.stop()
    },
  }
}

runtimeCompliance('docker', dockerHarness, { skip: !engine })

describe.skipIf(!engine)('docker runtime', () => {
  let h: DockerHarness

  beforeAll(async () => {
    h = await dockerHarness()
  })

  afterAll(async () => {
    await h.cleanup()
  })

  it('creates host-network containers with limits, labels and no Docker restart policy', async () => {
    const info = await h.runtime.create(h.spec('sleep 30', { cpuMillis: 500, memoryBytes: 64 * 1024 * 1024, args: ['x'] }))
    const inspect = await h.docker.getContainer(info.id).inspect()
    expect(inspect.HostConfig.NetworkMode).toBe('host')
    expect(inspect.HostConfig.RestartPolicy?.Name).toBe('no')
    expect(inspect.HostConfig.NanoCpus).toBe(500_000_000)
    expect(inspect.HostConfig.Memory).toBe(64 * 1024 * 1024)
    expect(inspect.Config.Entrypoint).toEqual(['sh', '-c', 'sleep 30'])
    expect(inspect.Config.Cmd).toEqual(['x'])
    expect(inspect.Config.Tty).toBe(false)
    expect(inspect.Config.Labels[TEST_RUN_LABEL]).toBe(h.runId)
    await h.runtime.remove(info.id)
  })

  it('lists only shoal-managed containers', async () => {
    const stray = await h.docker.createContainer({ Image: TEST_IMAGE, Cmd: ['sleep', '30'], Labels: { [TEST_RUN_LABEL]: h.runId }, HostConfig: { NetworkMode: 'host' } })
    const managed = await h.runtime.create(h.spec('sleep 30'))
    const ids = (await h.runtime.list()).map((c) => c.id)
    expect(ids).toContain(managed.id)
    expect(ids).not.toContain(stray.id)
    await stray.remove({ force: true })
    await h.runtime.remove(managed.id)
  })

  it('refuses a spec without an image, and an image that is not present', async () => {
    await expect(h.runtime.create({ ...h.spec('true'), image: undefined })).rejects.toBeInstanceOf(InvalidContainerSpecError)
    await expect(h.runtime.create(h.spec('true', { image: 'shoal-test/absent:never' }))).rejects.toBeInstanceOf(ImageNotFoundError)
  })

  it('reports a command that cannot start as exited with ContainerCannotRun', async () => {
    const info = await h.runtime.create(h.spec('', { command: ['/no/such/binary'] }))
    const exited = await waitForState(h.runtime, info.id, 'exited')
    expect(exited.reason).toBe('ContainerCannotRun')
    expect(exited.exitCode).toBe(127)
    expect(exited.message).toMatch(/no such file|not found/i)
  })

  it('ensureImage does nothing for a present image', async () => {
    const progress: PullProgress[] = []
    await h.runtime.ensureImage(TEST_IMAGE, (p) => progress.push(p))
    expect(progress).toEqual([])
  })

  it('ensureImage fails quickly with ImagePullError when no registry answers', async () => {
    const t0 = Date.now()
    await expect(h.runtime.ensureImage('127.0.0.1:1/shoal-test/missing:latest')).rejects.toBeInstanceOf(ImagePullError)
    expect(Date.now() - t0).toBeLessThan(10_000)
  })

  it('ensureImage pulls from a local registry, reporting progress', async () => {
    const registry = new LocalRegistry()
    await registry.start()
    const repo = `${registry.host}/shoal-test/pulled`
    try {
      await h.docker.getImage(TEST_IMAGE).tag({ repo, tag: 'latest' })
      const push = await h.docker.getImage(`${repo}:latest`).push({ authconfig: { serveraddress: registry.host } })
      await new Promise<void>((resolve, reject) => h.docker.modem.followProgress(push, (err) => (err === null ? resolve() : reject(err))))
      await h.docker.getImage(`${repo}:latest`).remove()
      const progress: PullProgress[] = []
      await h.runtime.ensureImage(`${repo}:latest`, (p) => progress.push(p))
      expect(progress.length).toBeGreaterThan(0)
      expect(progress.map((p) => p.status).join('\n')).toMatch(/Pulling from|Digest|Status/)
      const info = await h.runtime.create(h.spec('echo pulled-image-runs', { image: `${repo}:latest` }))
      expect((await waitForState(h.runtime, info.id, 'exited')).exitCode).toBe(0)
      await h.runtime.remove(info.id)
    } finally {
      await h.docker.getImage(`${repo}:latest`).remove().catch(() => undefined)
      await registry.stop()
    }
  })
})

describe('docker runtime without an engine', () => {
  let dir: string
  let server: Server
  const sockets: Socket[] = []

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'shoal-docker-absent-'))
    // An engine that accepts connections and never answers: available() must still return.
    server = createServer((socket) => sockets.push(socket))
    await new Promise<void>((resolve) => server.listen(join(dir, 'hung.sock'), resolve))
  })

  afterAll(async () => {
    for (const s of sockets) s.destroy()
    await new Promise((resolve) => server.close(resolve))
    await rm(dir, { recursive: true, force: true })
  })

  it('is unavailable at once when the socket does not exist', async () => {
    const t0 = Date.now()
    expect(await new DockerRuntime({ logger: silentLogger() }, { socketPath: join(dir, 'absent.sock') }).available()).toBe(false)
    expect(Date.now() - t0).toBeLessThan(1000)
  })

  it('is unavailable within its ping timeout when the engine hangs', async () => {
    const t0 = Date.now()
    expect(await new DockerRuntime({ logger: silentLogger() }, { socketPath: join(dir, 'hung.sock'), pingTimeoutMs: 300 }).available()).toBe(false)
    expect(Date.now() - t0).toBeLessThan(1500)
  })
})

describe.skipIf(!engine)('docker runtime owners', () => {
  it('lists only the containers of its owner when several agents share one engine', async () => {
    const runId = randomUUID()
    const a = new DockerRuntime({ logger: silentLogger() }, { socketPath: SOCKET, owner: `agent-a-${runId}` })
    const b = new DockerRuntime({ logger: silentLogger() }, { socketPath: SOCKET, owner: `agent-b-${runId}` })
    const spec = (): ContainerSpec => shellSpec({ image: TEST_IMAGE }, runId, 'sleep 30')
    const ca = await a.create(spec())
    const cb = await b.create(spec())
    try {
      expect((await a.list()).map((c) => c.id)).toEqual([ca.id])
      expect((await b.list()).map((c) => c.id)).toEqual([cb.id])
    } finally {
      await a.remove(ca.id)
      await b.remove(cb.id)
    }
  })
})
