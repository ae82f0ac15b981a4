// A ProbeManager wired to recorders, at 1/50 of real time: `periodSeconds: 1` probes every 20 ms.
import { afterAll, afterEach, beforeAll } from 'vitest'
import type { Container, Probe } from '../../node/objects/pod.js'
import { silentLogger } from '../../node/logger.js'
import { ProbeManager } from '../../node/workloads/probes/probe-manager.js'
import type { ProbeManagerInit, SyncedPod } from '../../node/workloads/probes/probe-manager.js'
import type { FlipServer } from './fixtures.js'
import { bindingFor, loopbackTarget, podWith, RecordingSink, startFlipServer } from './fixtures.js'

export const TIME_SCALE = 0.02

export interface ManagerHarness {
  manager: ProbeManager
  sink: RecordingSink
  unhealthy: { podUid: string; containerId: string; reason: string }[]
  /** How many onChange calls so far, and a hook run at each (to look at the server then). */
  changes: { count: number; onEach?: () => void }
}

const running: ProbeManager[] = []

export function managerHarness(components: { clock?: () => number } = {}, init: ProbeManagerInit = {}): ManagerHarness {
  const sink = new RecordingSink()
  const unhealthy: ManagerHarness['unhealthy'] = []
  const changes: ManagerHarness['changes'] = { count: 0 }
  const manager = new ProbeManager(
    { logger: silentLogger(), events: sink, ...components },
    {
      defaultHost: '127.0.0.1',
      timeScale: TIME_SCALE,
      onUnhealthy: (podUid, containerId, reason) => unhealthy.push({ podUid, containerId, reason }),
      onChange: () => {
        changes.count++
        changes.onEach?.()
      },
      ...init,
    },
  )
  manager.start()
  running.push(manager)
  return { manager, sink, unhealthy, changes }
}

/**
 * Hooks for a describe block: one flip server for the block, and every manager a test started
 * stopped after it. The server is there once beforeAll has run.
 */
export function probeSuite(): { server: FlipServer } {
  const suite = {} as { server: FlipServer }
  beforeAll(async () => {
    suite.server = await startFlipServer()
  })
  afterAll(() => suite.server.close())
  afterEach(async () => {
    await Promise.all(running.splice(0).map((m) => m.stop()))
  })
  return suite
}

/**
 * An httpGet probe on the flip server, 20 ms apart. Its timeout (1 s) is far above the period so
 * that a loaded machine never turns a slow answer into a failure the test did not ask for.
 */
export function httpProbe(port: number, path: string, extra: Partial<Probe> = {}): Probe {
  return { httpGet: { path, port }, periodSeconds: 1, timeoutSeconds: 50, ...extra }
}

/** One pod `uid` with one running container instance `id`. */
export function syncedPod(uid: string, container: Container, id = 'c1', extra: { running?: boolean; startedAt?: string } = {}): SyncedPod {
  return {
    pod: podWith(uid, container),
    binding: bindingFor(uid),
    containers: [{ name: container.name, id, runtime: loopbackTarget(container).runtime, running: extra.running ?? true, startedAt: extra.startedAt ?? new Date(0).toISOString() }],
  }
}
