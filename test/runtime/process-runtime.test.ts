import { spawn } from 'node:child_process'
import { randomUUID } from 'node:crypto'
import { mkdtemp, readFile, readlink, rm, stat, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { silentLogger } from '../../node/logger.js'
import { InvalidContainerSpecError } from '../../node/runtime/errors.js'
import { readProcStat } from '../../node/runtime/proc-liveness.js'
import { ProcessRuntime } from '../../node/runtime/process-runtime.js'
import type { ProcessRuntimeInit } from '../../node/runtime/process-runtime.js'
import type { ContainerSpec } from '../../node/runtime/types.js'
import { sleep, waitFor } from '../harness/wait.js'
import { runtimeCompliance } from './compliance.js'
import type { ComplianceHarness } from './compliance.js'
import { readLogs, shellSpec, waitForLog, waitForState } from './helpers.js'

interface ProcessHarness extends ComplianceHarness {
  dataDir: string
  open(init?: ProcessRuntimeInit): ProcessRuntime
}

async function processHarness(): Promise<ProcessHarness> {
  const dataDir = await mkdtemp(join(tmpdir(), 'shoal-process-runtime-'))
  const runId = randomUUID()
  const opened: ProcessRuntime[] = []
  const open = (init: ProcessRuntimeInit = {}): ProcessRuntime => {
    const runtime = new ProcessRuntime({ logger: silentLogger(), dataDir }, { followPollMs: 50, ...init })
    runtime.start()
    opened.push(runtime)
    return runtime
  }
  const runtime = open()
  return {
    dataDir,
    runId,
    runtime,
    open,
    reopen: async () => open(),
    spec: (script: string, extra?: Partial<ContainerSpec>) => shellSpec({}, runId, script, extra),
    cleanup: async () => {
      for (const c of await runtime.list()) await runtime.remove(c.id)
      for (const r of opened) r.stop()
      await rm(dataDir, { recursive: true, force: true })
    },
  }
}

runtimeCompliance('process', processHarness)

describe('process runtime', () => {
  let h: ProcessHarness

  beforeAll(async () => {
    h = await processHarness()
  })

  afterAll(async () => {
    await h.cleanup()
  })

  it('runs in its own session and group, writing to the log file rather than pipes to the agent', async () => {
    const info = await h.runtime.create(h.spec('echo up; while true; do sleep 0.1; done'))
    const stat = await readProcStat(info.pid!)
    expect(stat?.pgrp).toBe(info.pid)
    const session = (await readFile(`/proc/${info.pid}/stat`, 'utf8')).split(') ')[1]!.split(' ')[3]
    expect(Number(session)).toBe(info.pid)
    expect(await readlink(`/proc/${info.pid}/fd/1`)).toBe(join(h.dataDir, 'containers', info.id, 'output.log'))
    expect(await readlink(`/proc/${info.pid}/fd/2`)).toBe(join(h.dataDir, 'containers', info.id, 'output.log'))
    await h.runtime.remove(info.id)
  })

  it('runs in a per-pod working directory that outlives the container until removePod', async () => {
    const spec = h.spec('pwd; echo "$HOME"; echo data > file.txt')
    const info = await h.runtime.create(spec)
    await waitForState(h.runtime, info.id, 'exited')
    const workDir = join(h.dataDir, 'pods', spec.podUid, 'main')
    expect(await readLogs(h.runtime, info.id)).toBe(`${workDir}\n${workDir}\n`)
    await h.runtime.remove(info.id)
    expect(await readFile(join(workDir, 'file.txt'), 'utf8')).toBe('data\n')
    await h.runtime.removePod(spec.podUid)
    await expect(stat(join(h.dataDir, 'pods', spec.podUid))).rejects.toThrow()
  })

  it('refuses specs it cannot run', async () => {
    await expect(h.runtime.create({ ...h.spec('true'), command: [] })).rejects.toBeInstanceOf(InvalidContainerSpecError)
    await expect(h.runtime.create(h.spec('true', { podUid: '../escape' }))).rejects.toBeInstanceOf(InvalidContainerSpecError)
  })

  it('bounds the log by rotation, keeping one previous part', async () => {
    const max = 32 * 1024
    const rt = h.open({ maxLogBytes: max, logCheckIntervalMs: 50 })
    // About 2 MB/s for 1.5 s: many times the limit.
    const info = await rt.create(h.spec('i=0; while [ $i -lt 300 ]; do printf "%0200d\\n" $i; printf "%0200d\\n" $i; printf "%0200d\\n" $i; i=$((i+1)); sleep 0.005; done; echo last-line'))
    const dir = join(h.dataDir, 'containers', info.id)
    let largest = 0
    while ((await rt.inspect(info.id))?.state === 'running') {
      const sizes = await Promise.all(['output.log', 'output.log.1'].map((f) => stat(join(dir, f)).then((s) => s.size, () => 0)))
      largest = Math.max(largest, sizes[0]! + sizes[1]!)
      await sleep(20)
    }
    await sleep(200)
    const rotated = await stat(join(dir, 'output.log.1'))
    expect(rotated.size).toBeLessThanOrEqual(max)
    expect(largest).toBeLessThan(4 * max)
    expect(await readLogs(rt, info.id, { tailLines: 1 })).toBe('last-line\n')
    rt.stop()
  })

  it('records an exit that happened while no runtime instance was running', async () => {
    const first = h.open()
    const info = await first.create(h.spec('sleep 0.5; echo bye; exit 5'))
    first.stop()
    await sleep(1200)
    const second = h.open()
    const seen = await second.inspect(info.id)
    expect(seen).toMatchObject({ state: 'exited', exitCode: 5, reason: 'Error' })
    expect(await readLogs(second, info.id)).toBe('bye\n')
    second.stop()
  })

  it('reports a container whose wrapper died unseen as exited with an unknown exit code', async () => {
    const first = h.open()
    const info = await first.create(h.spec('while true; do sleep 0.1; done'))
    first.stop()
    // Not through the runtime: as if the OOM killer took the whole group while the agent was down.
    process.kill(-info.pid!, 'SIGKILL')
    await waitFor(async () => (await readProcStat(info.pid!)) === undefined || (await readProcStat(info.pid!))?.state === 'Z')
    const second = h.open()
    const seen = await second.inspect(info.id)
    expect(seen?.state).toBe('exited')
    expect(seen?.reason).toBe('ContainerStatusUnknown')
    expect(seen?.exitCode).toBeUndefined()
    second.stop()
  })

  it('never takes a recycled pid for the container (start time guard)', async () => {
    const info = await h.runtime.create(h.spec('while true; do sleep 0.1; done'))
    process.kill(-info.pid!, 'SIGKILL')
    await waitFor(async () => (await readProcStat(info.pid!)) === undefined)
    // Start times count 10 ms ticks; a real pid reuse comes far later than one tick.
    await sleep(50)
    // An unrelated process now "has" the recorded pid.
    const bystander = spawn('sleep', ['30'], { detached: true, stdio: 'ignore' })
    try {
      const path = join(h.dataDir, 'containers', info.id, 'state.json')
      const record = JSON.parse(await readFile(path, 'utf8')) as { process: { pid: number } }
      record.process.pid = bystander.pid!
      await writeFile(path, JSON.stringify(record))
      const rt = h.open()
      expect((await rt.inspect(info.id))?.state).toBe('exited')
      await rt.terminate(info.id, 0)
      await rt.remove(info.id)
      expect((await readProcStat(bystander.pid!))?.state).not.toBe('Z')
      expect(bystander.exitCode).toBeNull()
      rt.stop()
    } finally {
      bystander.kill('SIGKILL')
    }
  })

  it('finds a container whose pid was never recorded, by the pid file its wrapper wrote', async () => {
    const info = await h.runtime.create(h.spec('echo found; while true; do sleep 0.1; done'))
    await waitForLog(h.runtime, info.id, 'found')
    // As after a crash between spawning the wrapper and recording it.
    const path = join(h.dataDir, 'containers', info.id, 'state.json')
    const { process: _lost, ...record } = JSON.parse(await readFile(path, 'utf8')) as Record<string, unknown>
    await writeFile(path, JSON.stringify(record))
    const rt = h.open()
    expect(await rt.inspect(info.id)).toMatchObject({ state: 'running', pid: info.pid })
    await rt.terminate(info.id, 5)
    expect(await rt.inspect(info.id)).toMatchObject({ state: 'exited' })
    expect(await readProcStat(info.pid!).then((s) => s === undefined || s.state === 'Z')).toBe(true)
    rt.stop()
  })
})
