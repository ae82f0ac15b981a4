import { describe, expect, it } from 'vitest'
import type { Binding } from '../../node/allocation/commands.js'
import type { Pod } from '../../node/objects/pod.js'
import type { ContainerInfo } from '../../node/runtime/types.js'
import { containerEnv, containerSpecFor, expandVars, portEnvName } from '../../node/workloads/reconciler/container-env.js'
import type { PodStatusInput } from '../../node/workloads/reconciler/pod-status.js'
import { podStatusFor } from '../../node/workloads/reconciler/pod-status.js'
import { RestartTracker } from '../../node/workloads/reconciler/restart-tracker.js'

const binding: Binding = {
  podUid: 'u1',
  namespace: 'default',
  name: 'web-1',
  nodeId: 'peer-a',
  nodeName: 'a',
  cpuMillis: 0,
  memoryBytes: 0,
  hostPorts: [30001, 30002],
  ports: [
    { container: 'main', name: 'http', containerPort: 8080, hostPort: 30001 },
    { container: 'main', name: 'admin-ui', containerPort: 9090, hostPort: 30002 },
  ],
}

function pod(restartPolicy: 'Always' | 'Never' | 'OnFailure' = 'Always'): Pod {
  return { metadata: { name: 'web-1', namespace: 'default', uid: 'u1' }, spec: { restartPolicy, containers: [{ name: 'main', command: ['x'], env: [{ name: 'PORT', value: 'override' }] }] } }
}

function c(state: ContainerInfo['state'], extra: Partial<ContainerInfo> = {}): ContainerInfo {
  return { id: 'c1', runtime: 'process', podUid: 'u1', podName: 'web-1', namespace: 'default', containerName: 'main', state, labels: {}, ...extra }
}

function status(partial: Partial<PodStatusInput>): ReturnType<typeof podStatusFor> {
  return podStatusFor({ pod: pod(), binding, selfId: 'peer-a', hostIP: '10.0.0.1', actual: [], history: new Map(), waiting: new Map(), ready: () => true, previous: undefined, now: '2026-01-01T00:00:00.000Z', ...partial })
}

describe('podStatusFor', () => {
  it('is Scheduled with ContainerCreating before anything runs', () => {
    const s = status({})
    expect(s.phase).toBe('Scheduled')
    expect(s.containerStatuses![0]!.state).toEqual({ waiting: { reason: 'ContainerCreating' } })
    expect(s.conditions!.find((x) => x.type === 'Ready')!.status).toBe('False')
  })

  it('is Running and Ready once the container runs and passes readiness, with allocated ports', () => {
    const s = status({ actual: [c('running', { startedAt: '2026-01-01T00:00:01Z' })] })
    expect(s.phase).toBe('Running')
    expect(s.conditions!.find((x) => x.type === 'Ready')!.status).toBe('True')
    expect(s.hostIP).toBe('10.0.0.1')
    expect(s.observedBy).toBe('peer-a')
    expect(s.allocatedPorts!.map((p) => p.hostPort)).toEqual([30001, 30002])
    const notReady = status({ actual: [c('running')], ready: () => false })
    expect(notReady.conditions!.find((x) => x.type === 'Ready')!.status).toBe('False')
    expect(notReady.message).toMatch(/unready status: \[main\]/)
  })

  it('ends Succeeded or Failed for pods that do not restart', () => {
    expect(status({ pod: pod('Never'), actual: [c('exited', { exitCode: 0 })] }).phase).toBe('Succeeded')
    expect(status({ pod: pod('Never'), actual: [c('exited', { exitCode: 2 })] }).phase).toBe('Failed')
    expect(status({ pod: pod('OnFailure'), actual: [c('exited', { exitCode: 0 })] }).phase).toBe('Succeeded')
    expect(status({ pod: pod('Always'), actual: [c('exited', { exitCode: 0 })] }).phase).toBe('Running')
  })

  it('keeps transition times stable when nothing changed', () => {
    const first = status({ actual: [c('running')] })
    const again = status({ actual: [c('running')], previous: first, now: '2026-01-01T01:00:00.000Z' })
    expect(again.conditions).toEqual(first.conditions)
    expect(again.startTime).toBe(first.startTime)
  })
})

describe('container env', () => {
  it('gives the first port as PORT, named ports as PORT_<NAME>, and lets the manifest win', () => {
    const env = containerEnv(pod(), pod().spec.containers[0]!, binding, { name: 'a', ip: '10.0.0.1' })
    expect(env['PORT']).toBe('override')
    expect(env['PORT_HTTP']).toBe('30001')
    expect(env['PORT_ADMIN_UI']).toBe('30002')
    expect(env['PORT_8080']).toBe('30001')
    expect(env).toMatchObject({ POD_NAME: 'web-1', POD_NAMESPACE: 'default', NODE_NAME: 'a', HOST_IP: '10.0.0.1' })
    expect(portEnvName('web-ui')).toBe('PORT_WEB_UI')
  })
})

describe('$(VAR) expansion', () => {
  it('expands known variables in command and args like Kubernetes, keeping escapes and unknowns', () => {
    expect(expandVars('serve $(PORT_HTTP) $$(PORT) $(NOPE)', { PORT_HTTP: '30001' })).toBe('serve 30001 $(PORT) $(NOPE)')
    const p = pod()
    p.spec.containers[0] = { name: 'main', command: ['python3', '-m', 'http.server', '$(PORT_HTTP)'], args: ['--bind', '$(HOST_IP)'] }
    const spec = containerSpecFor(p, p.spec.containers[0], binding, { name: 'a', ip: '10.0.0.1' })
    expect(spec.command).toEqual(['python3', '-m', 'http.server', '30001'])
    expect(spec.args).toEqual(['--bind', '10.0.0.1'])
  })
})

describe('RestartTracker', () => {
  it('doubles the back-off per quick crash and resets after a long run', () => {
    const t = new RestartTracker({ baseMs: 1000, maxMs: 8000, resetAfterMs: 30_000 })
    const exit = (id: string, started: number, finished: number): number =>
      t.observeExit('u1', c('exited', { id, startedAt: new Date(started).toISOString(), finishedAt: new Date(finished).toISOString() }))
    expect(exit('x1', 0, 100) - 100).toBe(1000)
    expect(exit('x1', 0, 100) - 100).toBe(1000) // the same exit is counted once
    expect(exit('x2', 1000, 1100) - 1100).toBe(2000)
    expect(exit('x3', 2000, 2100) - 2100).toBe(4000)
    expect(exit('x4', 3000, 3100) - 3100).toBe(8000)
    expect(exit('x5', 4000, 4100) - 4100).toBe(8000)
    expect(exit('x6', 10_000, 60_000) - 60_000).toBe(1000)
  })

  it('seeds restart counts from the status this node wrote before a restart', () => {
    const t = new RestartTracker({ baseMs: 1000, maxMs: 8000, resetAfterMs: 30_000 })
    t.seed('u1', { containerStatuses: [{ name: 'main', state: { running: {} }, ready: true, restartCount: 4, image: '' }] })
    t.restarted('u1', 'main')
    expect(t.history('u1').get('main')!.restartCount).toBe(5)
  })
})
