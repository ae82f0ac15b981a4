import { describe, expect, it } from 'vitest'
import { silentLogger } from '../../node/logger.js'
import { RuntimeWatch } from '../../node/runtime/detect.js'
import type { ContainerRuntime, RuntimeName } from '../../node/runtime/types.js'

/** A runtime whose engine answers or not as the test says; nothing else of it is used. */
function fakeRuntime(name: RuntimeName, answers: { up: boolean }): ContainerRuntime & { started: number; stopped: number } {
  const r = {
    name,
    started: 0,
    stopped: 0,
    start: () => void r.started++,
    stop: () => void r.stopped++,
    available: async () => answers.up,
  }
  return r as unknown as ContainerRuntime & { started: number; stopped: number }
}

describe('RuntimeWatch (the runtimes a heartbeat reports)', () => {
  it('drops docker while its engine does not answer and offers it again when it does', async () => {
    const engine = { up: true }
    const runtimes = [fakeRuntime('docker', engine), fakeRuntime('process', { up: true })]
    const watch = new RuntimeWatch({ logger: silentLogger(), runtimes }, { intervalMs: 60_000 })
    await watch.start()
    try {
      expect(watch.names).toEqual(['docker', 'process'])
      engine.up = false
      await watch.check()
      expect(watch.names).toEqual(['process'])
      engine.up = true
      await watch.check()
      expect(watch.names).toEqual(['docker', 'process'])
    } finally {
      await watch.stop()
    }
  })

  it('under auto, starts and offers an engine that was absent at start, in the list the reconciler shares', async () => {
    const engine = { up: false }
    const docker = fakeRuntime('docker', engine)
    const runtimes: ContainerRuntime[] = [fakeRuntime('process', { up: true })]
    const watch = new RuntimeWatch({ logger: silentLogger(), runtimes, later: [docker] }, { intervalMs: 20 })
    await watch.start()
    try {
      expect(watch.names).toEqual(['process'])
      engine.up = true
      // The periodic check finds it: no one has to call check().
      await waitUntil(() => watch.names.length === 2)
      expect(watch.names).toEqual(['docker', 'process'])
      expect(runtimes.map((r) => r.name)).toEqual(['docker', 'process'])
      expect(docker.started).toBe(1)
    } finally {
      await watch.stop()
    }
    expect(docker.stopped).toBe(1)
  })

  it('joins a check already under way instead of pinging twice', async () => {
    let pings = 0
    const slow = { ...fakeRuntime('process', { up: true }), available: async () => (pings++, await new Promise((r) => setTimeout(r, 30)), true) }
    const watch = new RuntimeWatch({ logger: silentLogger(), runtimes: [slow as unknown as ContainerRuntime] }, { intervalMs: 60_000 })
    await watch.start()
    pings = 0
    await Promise.all([watch.check(), watch.check(), watch.check()])
    expect(pings).toBe(1)
    await watch.stop()
  })
})

async function waitUntil(cond: () => boolean, timeoutMs = 2000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!cond()) {
    if (Date.now() > deadline) throw new Error('condition not met')
    await new Promise((r) => setTimeout(r, 10))
  }
}
