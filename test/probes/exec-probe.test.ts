import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { silentLogger } from '../../node/logger.js'
import { ProcessRuntime } from '../../node/runtime/process-runtime.js'
import { execProbe } from '../../node/workloads/probes/exec-probe.js'
import type { ProbeTarget } from '../../node/workloads/probes/probe-types.js'
import { waitForState } from '../runtime/helpers.js'
import { bindingFor } from './fixtures.js'

describe('exec probe in a process-runtime container', () => {
  let dataDir: string
  let runtime: ProcessRuntime
  let target: ProbeTarget

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'shoal-probes-'))
    runtime = new ProcessRuntime({ logger: silentLogger(), dataDir })
    runtime.start()
    const info = await runtime.create({ podUid: 'uid-exec', podName: 'exec', namespace: 'default', containerName: 'main', command: ['sleep', '30'], env: { HEALTH: 'good' } })
    await waitForState(runtime, info.id, 'running', 5000)
    target = { binding: bindingFor('uid-exec'), container: { name: 'main' }, containerId: info.id, runtime, defaultHost: '127.0.0.1' }
  })

  afterAll(async () => {
    for (const c of await runtime.list()) await runtime.remove(c.id)
    runtime.stop()
    await rm(dataDir, { recursive: true, force: true })
  })

  it('succeeds on exit code 0, with the container env', async () => {
    expect(await execProbe({ command: ['sh', '-c', 'test "$HEALTH" = good'] }, target, 2000)).toMatchObject({ ok: true })
  })

  it('fails on a non-zero exit code with what the command printed', async () => {
    expect(await execProbe({ command: ['sh', '-c', 'echo "not healthy yet" >&2; exit 3'] }, target, 2000)).toEqual({ ok: false, message: 'not healthy yet' })
    expect(await execProbe({ command: ['sh', '-c', 'exit 1'] }, target, 2000)).toEqual({ ok: false, message: 'command ["sh","-c","exit 1"] exited with code 1' })
  })

  it('fails when the command runs past the timeout', async () => {
    expect(await execProbe({ command: ['sleep', '5'] }, target, 150)).toEqual({ ok: false, message: 'command ["sleep","5"] timed out after 150ms' })
  })

  it('fails when the command cannot start', async () => {
    const result = await execProbe({ command: ['/no/such/binary'] }, target, 2000)
    expect(result.ok).toBe(false)
    expect(result.message).toContain('/no/such/binary')
  })

  it('fails cleanly once the container has stopped', async () => {
    const info = await runtime.create({ podUid: 'uid-exec', podName: 'exec', namespace: 'default', containerName: 'gone', command: ['sh', '-c', 'exit 0'], env: {} })
    await waitForState(runtime, info.id, 'exited', 5000)
    expect(await execProbe({ command: ['true'] }, { ...target, containerId: info.id }, 1000)).toEqual({ ok: false, message: 'cannot exec ["true"]: container is not running' })
  })
})
