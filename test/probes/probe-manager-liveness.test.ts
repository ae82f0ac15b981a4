import { describe, expect, it } from 'vitest'
import type { Container } from '../../node/objects/pod.js'
import { sleep, waitFor } from '../harness/wait.js'
import { httpProbe, managerHarness, probeSuite, syncedPod } from './manager-harness.js'

describe('ProbeManager liveness and startup', () => {
  const suite = probeSuite()

  it('reports a container unhealthy once per failure streak, with events, until a new instance runs', async () => {
    const h = managerHarness()
    suite.server.set('/live', 500)
    const container: Container = { name: 'main', livenessProbe: httpProbe(suite.server.port, '/live', { failureThreshold: 3 }) }
    h.manager.sync([syncedPod('p1', container, 'c1')])
    await waitFor(() => h.unhealthy.length > 0)
    expect(h.unhealthy).toEqual([{ podUid: 'p1', containerId: 'c1', reason: 'Liveness probe failed: HTTP probe failed with statuscode: 500' }])
    expect(h.sink.withReason('Unhealthy').map((e) => e.message)).toEqual(Array(3).fill('Liveness probe failed: HTTP probe failed with statuscode: 500'))
    expect(h.sink.withReason('Killing')).toEqual([{ ref: { kind: 'Pod', name: 'pod-p1', namespace: 'default', uid: 'p1' }, type: 'Normal', reason: 'Killing', message: 'Container main failed liveness probe, will be restarted' }])
    // Liveness says nothing about readiness: the container stays ready until it is replaced.
    expect(h.manager.ready('p1', 'main')).toBe(true)

    await sleep(120)
    expect(h.unhealthy).toHaveLength(1)
    expect(suite.server.count('/live')).toBe(3)

    h.manager.sync([syncedPod('p1', container, 'c2')])
    await waitFor(() => h.unhealthy.length > 1)
    expect(h.unhealthy[1]).toMatchObject({ containerId: 'c2' })
    expect(suite.server.count('/live')).toBe(6)
  })

  it('does not count failures that a success interrupted', async () => {
    const h = managerHarness()
    suite.server.set('/flaky', 500, 500, 200, 500, 500, 200, 500, 500, 200, 500)
    const container: Container = { name: 'main', livenessProbe: httpProbe(suite.server.port, '/flaky', { failureThreshold: 3 }) }
    let hitsAtKill = 0
    h.manager.sync([syncedPod('p2', container)])
    await waitFor(() => {
      hitsAtKill = suite.server.count('/flaky')
      return h.unhealthy.length > 0
    })
    expect(hitsAtKill).toBe(12)
  })

  it('holds liveness and readiness until the startup probe passes, then stops probing startup', async () => {
    const h = managerHarness()
    suite.server.set('/startup', 500)
    const container: Container = {
      name: 'main',
      startupProbe: httpProbe(suite.server.port, '/startup', { failureThreshold: 100 }),
      livenessProbe: httpProbe(suite.server.port, '/s-live'),
      readinessProbe: httpProbe(suite.server.port, '/s-ready'),
    }
    h.manager.sync([syncedPod('p3', container)])
    await waitFor(() => suite.server.count('/startup') >= 4)
    expect(suite.server.count('/s-live') + suite.server.count('/s-ready')).toBe(0)
    expect(h.manager.started('p3', 'main')).toBe(false)
    expect(h.manager.ready('p3', 'main')).toBe(false)

    suite.server.set('/startup', 200)
    await waitFor(() => h.manager.ready('p3', 'main'))
    expect(h.manager.started('p3', 'main')).toBe(true)
    const startups = suite.server.count('/startup')
    await waitFor(() => suite.server.count('/s-live') >= 3)
    expect(suite.server.count('/startup')).toBe(startups)
    expect(h.unhealthy).toEqual([])
  })

  it('reports a container that never passes its startup probe unhealthy', async () => {
    const h = managerHarness()
    suite.server.set('/never', 503)
    const container: Container = { name: 'main', startupProbe: httpProbe(suite.server.port, '/never', { failureThreshold: 2 }), livenessProbe: httpProbe(suite.server.port, '/never-live') }
    h.manager.sync([syncedPod('p4', container, 'c9')])
    await waitFor(() => h.unhealthy.length > 0)
    expect(h.unhealthy).toEqual([{ podUid: 'p4', containerId: 'c9', reason: 'Startup probe failed: HTTP probe failed with statuscode: 503' }])
    expect(h.sink.withReason('Killing').map((e) => e.message)).toEqual(['Container main failed startup probe, will be restarted'])
    expect(h.manager.ready('p4', 'main')).toBe(false)
    expect(suite.server.count('/never-live')).toBe(0)
  })

  it('keeps probing when a callback throws', async () => {
    const h = managerHarness({}, { onChange: () => { throw new Error('listener broke') } })
    const container: Container = { name: 'main', readinessProbe: httpProbe(suite.server.port, '/survive') }
    h.manager.sync([syncedPod('p5', container)])
    await waitFor(() => h.manager.ready('p5', 'main'))
    const seen = suite.server.count('/survive')
    await waitFor(() => suite.server.count('/survive') > seen + 2)
  })
})
