import { describe, expect, it } from 'vitest'
import type { Container } from '../../node/objects/pod.js'
import { sleep, waitFor } from '../harness/wait.js'
import { httpProbe, managerHarness, probeSuite, syncedPod } from './manager-harness.js'

describe('ProbeManager readiness', () => {
  const suite = probeSuite()

  it('turns ready after successThreshold successes, unready after failureThreshold failures, and back', async () => {
    const h = managerHarness()
    let hitsAtFlip = 0
    h.changes.onEach = () => (hitsAtFlip = suite.server.count('/r1'))
    suite.server.set('/r1', 503)
    const container: Container = { name: 'main', readinessProbe: httpProbe(suite.server.port, '/r1', { successThreshold: 2, failureThreshold: 3 }) }
    h.manager.sync([syncedPod('p1', container)])
    await waitFor(() => suite.server.count('/r1') >= 3)
    expect(h.manager.ready('p1', 'main')).toBe(false)
    expect(h.sink.withReason('Unhealthy')[0]).toMatchObject({ type: 'Warning', ref: { kind: 'Pod', name: 'pod-p1', uid: 'p1' }, message: 'Readiness probe failed: HTTP probe failed with statuscode: 503' })

    let mark = suite.server.count('/r1')
    suite.server.set('/r1', 200)
    await waitFor(() => h.manager.ready('p1', 'main'))
    expect(hitsAtFlip - mark).toBe(2)

    mark = suite.server.count('/r1')
    suite.server.set('/r1', 500)
    await waitFor(() => !h.manager.ready('p1', 'main'))
    expect(hitsAtFlip - mark).toBe(3)

    suite.server.set('/r1', 200)
    await waitFor(() => h.manager.ready('p1', 'main'))
    expect(h.changes.count).toBe(3)
  })

  it('waits initialDelaySeconds from the container start before the first probe', async () => {
    const h = managerHarness()
    const container: Container = { name: 'main', readinessProbe: httpProbe(suite.server.port, '/delayed', { initialDelaySeconds: 10 }) }
    const startedAt = Date.now()
    h.manager.sync([syncedPod('p2', container, 'c1', { startedAt: new Date(startedAt).toISOString() })])
    await sleep(120)
    expect(suite.server.count('/delayed')).toBe(0)
    await waitFor(() => suite.server.count('/delayed') > 0)
    expect(Date.now() - startedAt).toBeGreaterThanOrEqual(190)
  })

  it('reads the container start against the injected clock', async () => {
    // initialDelaySeconds 1000 is 20 s at this scale; the clock says the container started that
    // long ago, so the first probe runs at once instead of 20 s after the sync.
    const h = managerHarness({ clock: () => Date.now() + 20_000 })
    const container: Container = { name: 'main', readinessProbe: httpProbe(suite.server.port, '/clocked', { initialDelaySeconds: 1000 }) }
    h.manager.sync([syncedPod('p3', container, 'c1', { startedAt: new Date().toISOString() })])
    await waitFor(() => h.manager.ready('p3', 'main'), { timeoutMs: 5000 })
  })

  it('counts a container without readiness probe ready while it runs', () => {
    const h = managerHarness()
    h.manager.sync([syncedPod('p4', { name: 'main' })])
    expect(h.manager.ready('p4', 'main')).toBe(true)
    expect(h.changes.count).toBe(1)
    h.manager.sync([syncedPod('p4', { name: 'main' }, 'c1', { running: false })])
    expect(h.manager.ready('p4', 'main')).toBe(false)
    expect(h.changes.count).toBe(2)
    expect(h.manager.ready('unknown', 'main')).toBe(false)
  })

  it('stops probing a pod that leaves sync, and starts afresh for a new container instance', async () => {
    const h = managerHarness()
    const container: Container = { name: 'main', readinessProbe: httpProbe(suite.server.port, '/r2', { successThreshold: 2 }) }
    h.manager.sync([syncedPod('p5', container, 'c1')])
    await waitFor(() => h.manager.ready('p5', 'main'))
    h.manager.sync([syncedPod('p5', container, 'c1')])
    expect(h.manager.ready('p5', 'main')).toBe(true)

    h.manager.sync([syncedPod('p5', container, 'c2')])
    expect(h.manager.ready('p5', 'main')).toBe(false)
    const mark = suite.server.count('/r2')
    await waitFor(() => h.manager.ready('p5', 'main'))
    expect(suite.server.count('/r2') - mark).toBeGreaterThanOrEqual(2)

    const changesBefore = h.changes.count
    h.manager.sync([])
    expect(h.manager.ready('p5', 'main')).toBe(false)
    expect(h.changes.count).toBe(changesBefore + 1)
    await sleep(30) // a request sent just before the sync may still be on its way
    const left = suite.server.count('/r2')
    await sleep(100)
    expect(suite.server.count('/r2')).toBe(left)
  })

  it('probes only between start and stop', async () => {
    const h = managerHarness()
    await h.manager.stop()
    const container: Container = { name: 'main', readinessProbe: httpProbe(suite.server.port, '/lifecycle') }
    h.manager.sync([syncedPod('p6', container)])
    await sleep(60)
    expect(suite.server.count('/lifecycle')).toBe(0)
    h.manager.start()
    await waitFor(() => h.manager.ready('p6', 'main'))
    await h.manager.stop()
    await sleep(30) // a request sent just before stop may still be on its way
    const after = suite.server.count('/lifecycle')
    await sleep(60)
    expect(suite.server.count('/lifecycle')).toBe(after)
    expect(h.manager.ready('p6', 'main')).toBe(false)
  })
})
