import { mkdtemp, rm } from 'node:fs/promises'
import { createServer } from 'node:http'
import type { Server } from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { silentLogger } from '../../node/logger.js'
import { availableRuntimeNames, detectRuntimes, pickRuntime } from '../../node/runtime/detect.js'
import { RuntimeUnavailableError } from '../../node/runtime/errors.js'

describe('detectRuntimes', () => {
  let dir: string
  let engine: Server
  let engineSocket: string

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'shoal-detect-'))
    engineSocket = join(dir, 'engine.sock')
    // Just enough of an engine for detection: Docker's ping answers "OK".
    engine = createServer((req, res) => {
      res.writeHead(req.url?.endsWith('/_ping') === true ? 200 : 404, { 'content-type': 'text/plain' })
      res.end('OK')
    })
    await new Promise<void>((resolve) => engine.listen(engineSocket, resolve))
  })

  afterAll(async () => {
    await new Promise((resolve) => engine.close(resolve))
    await rm(dir, { recursive: true, force: true })
  })

  const components = (): { logger: ReturnType<typeof silentLogger>; dataDir: string } => ({ logger: silentLogger(), dataDir: dir })

  it('auto offers docker first when its socket answers, and process always', async () => {
    const runtimes = await detectRuntimes(components(), { runtime: 'auto', docker: { socketPath: engineSocket } })
    expect(runtimes.map((r) => r.name)).toEqual(['docker', 'process'])
    expect(await availableRuntimeNames(runtimes)).toEqual(['docker', 'process'])
  })

  it('auto falls back to process alone, quickly, without an engine', async () => {
    const t0 = Date.now()
    const runtimes = await detectRuntimes(components(), { docker: { socketPath: join(dir, 'absent.sock') } })
    expect(runtimes.map((r) => r.name)).toEqual(['process'])
    expect(Date.now() - t0).toBeLessThan(1500)
  })

  it('process never involves docker; docker insists on an engine', async () => {
    expect((await detectRuntimes(components(), { runtime: 'process', docker: { socketPath: engineSocket } })).map((r) => r.name)).toEqual(['process'])
    expect((await detectRuntimes(components(), { runtime: 'docker', docker: { socketPath: engineSocket } })).map((r) => r.name)).toEqual(['docker'])
    await expect(detectRuntimes(components(), { runtime: 'docker', docker: { socketPath: join(dir, 'absent.sock') } })).rejects.toBeInstanceOf(RuntimeUnavailableError)
  })

  it('availableRuntimeNames drops a runtime that stops answering', async () => {
    const runtimes = await detectRuntimes(components(), { docker: { socketPath: engineSocket, pingTimeoutMs: 300 } })
    const other = join(dir, 'engine2.sock')
    const second = createServer((_req, res) => res.end('OK'))
    await new Promise<void>((resolve) => second.listen(other, resolve))
    const moving = await detectRuntimes(components(), { docker: { socketPath: other, pingTimeoutMs: 300 } })
    expect(await availableRuntimeNames(moving)).toEqual(['docker', 'process'])
    await new Promise((resolve) => second.close(resolve))
    expect(await availableRuntimeNames(moving)).toEqual(['process'])
    expect(await availableRuntimeNames(runtimes)).toEqual(['docker', 'process'])
  })
})

describe('pickRuntime', () => {
  const both = ['docker', 'process']

  it('honours runtimeClassName, and only when that runtime is offered', () => {
    expect(pickRuntime(both, { runtimeClassName: 'process', containers: [{ image: 'x', command: ['y'] }] })).toBe('process')
    expect(pickRuntime(['process'], { runtimeClassName: 'docker', containers: [{ image: 'x' }] })).toBeUndefined()
    expect(pickRuntime(both, { runtimeClassName: 'gvisor', containers: [{ image: 'x' }] })).toBeUndefined()
  })

  it('prefers docker for images and falls back to process for commands', () => {
    expect(pickRuntime(both, { containers: [{ image: 'x', command: ['y'] }] })).toBe('docker')
    expect(pickRuntime(['process'], { containers: [{ image: 'x', command: ['y'] }] })).toBe('process')
    expect(pickRuntime(both, { containers: [{ command: ['y'] }] })).toBe('process')
    expect(pickRuntime(['process'], { containers: [{ image: 'x' }] })).toBeUndefined()
    expect(pickRuntime(both, { containers: [{ image: 'x' }, { command: ['y'] }] })).toBeUndefined()
  })
})
