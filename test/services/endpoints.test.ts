import { describe, expect, it } from 'vitest'
import { computeEndpoints, selectorMatches } from '../../node/services/endpoints.js'
import type { Pod, Service } from '../../node/services/service-types.js'

function service(overrides: Partial<Service['spec']> = {}, namespace = 'default'): Service {
  return {
    metadata: { name: 'web', namespace, uid: 'svc-1', labels: { tier: 'front' } },
    spec: { selector: { app: 'web' }, ports: [{ name: 'http', port: 80, targetPort: 'http' }], ...overrides },
  }
}

interface PodOptions {
  namespace?: string
  labels?: Record<string, string>
  phase?: string
  ready?: boolean
  hostIP?: string
  deleting?: boolean
  node?: string
  /** [name, containerPort, allocated hostPort] per port of the single container. */
  ports?: [string | undefined, number, number | undefined][]
  fixedHostPort?: number
}

function pod(name: string, o: PodOptions = {}): Pod {
  const ports = o.ports ?? [['http', 8080, 30000 + Number(name.replace(/\D/g, '') || 0)]]
  return {
    metadata: {
      name,
      namespace: o.namespace ?? 'default',
      uid: `uid-${name}`,
      labels: o.labels ?? { app: 'web' },
      ...(o.deleting === true ? { deletionTimestamp: '2024-01-01T00:00:00Z' } : {}),
    },
    spec: {
      nodeName: o.node ?? 'node-a',
      containers: [
        {
          name: 'main',
          ports: ports.map(([pn, containerPort]) => ({ ...(pn !== undefined ? { name: pn } : {}), containerPort, ...(o.fixedHostPort !== undefined ? { hostPort: o.fixedHostPort } : {}) })),
        },
      ],
    },
    status: {
      phase: o.phase ?? 'Running',
      ...(o.hostIP !== '' ? { hostIP: o.hostIP ?? '127.0.0.1' } : {}),
      conditions: [{ type: 'Ready', status: o.ready === false ? 'False' : 'True' }],
      allocatedPorts: ports.flatMap(([pn, containerPort, hostPort]) =>
        hostPort === undefined ? [] : [{ container: 'main', ...(pn !== undefined ? { name: pn } : {}), containerPort, hostPort }],
      ),
    },
  }
}

/** The endpoints as `ip:port pod` strings, ready and not-ready, for compact expectations. */
function summary(svc: Service, pods: Pod[]): { ready: string[]; notReady: string[] } {
  const ep = computeEndpoints(svc, pods)
  const fmt = (ip: string, port: number, name: string): string => `${ip}:${port} ${name}`
  return {
    ready: (ep?.subsets ?? []).flatMap((s) => s.addresses.flatMap((a) => s.ports.map((p) => fmt(a.ip, p.port, a.targetRef.name)))),
    notReady: (ep?.subsets ?? []).flatMap((s) => s.notReadyAddresses.flatMap((a) => s.ports.map((p) => fmt(a.ip, p.port, a.targetRef.name)))),
  }
}

describe('selectorMatches', () => {
  it.each([
    [{ app: 'web' }, { app: 'web', tier: 'x' }, true],
    [{ app: 'web', tier: 'x' }, { app: 'web' }, false],
    [{ app: 'web' }, { app: 'api' }, false],
    [{ app: 'web' }, undefined, false],
    [{ toString: 'x' }, {}, false],
  ])('%j on %j → %s', (selector, labels, expected) => {
    expect(selectorMatches(selector, labels)).toBe(expected)
  })
})

describe('computeEndpoints', () => {
  it.each<[string, Pod[], { ready: string[]; notReady: string[] }]>([
    ['selects matching pods only', [pod('p1'), pod('p2', { labels: { app: 'api' } }), pod('p3', { labels: { app: 'web', extra: 'y' } })], { ready: ['127.0.0.1:30001 p1', '127.0.0.1:30003 p3'], notReady: [] }],
    ['isolates namespaces', [pod('p1', { namespace: 'other' }), pod('p2')], { ready: ['127.0.0.1:30002 p2'], notReady: [] }],
    ['puts unready pods aside', [pod('p1', { ready: false }), pod('p2')], { ready: ['127.0.0.1:30002 p2'], notReady: ['127.0.0.1:30001 p1'] }],
    ['skips pods that are not Running', [pod('p1', { phase: 'Pending' }), pod('p2', { phase: 'Succeeded' }), pod('p3', { phase: 'Unknown' })], { ready: [], notReady: [] }],
    ['skips pods without a host IP', [pod('p1', { hostIP: '' }), pod('p2')], { ready: ['127.0.0.1:30002 p2'], notReady: [] }],
    ['skips pods being deleted', [pod('p1', { deleting: true }), pod('p2', { deleting: true, ready: false })], { ready: [], notReady: [] }],
    ['skips pods that lack the target port', [pod('p1', { ports: [['admin', 9000, 31000]] }), pod('p2', { ports: [['http', 8080, undefined]] })], { ready: [], notReady: [] }],
    ['uses the fixed hostPort when nothing was allocated', [pod('p1', { ports: [['http', 8080, undefined]], fixedHostPort: 8080 })], { ready: ['127.0.0.1:8080 p1'], notReady: [] }],
  ])('%s', (_name, pods, expected) => {
    expect(summary(service(), pods)).toEqual(expected)
  })

  it('resolves a numeric targetPort by container port, and defaults it to the service port', () => {
    const pods = [pod('p1', { ports: [['a', 8080, 31001], ['b', 9090, 31002]] })]
    expect(summary(service({ ports: [{ port: 80, targetPort: 9090 }] }), pods).ready).toEqual(['127.0.0.1:31002 p1'])
    expect(summary(service({ ports: [{ port: 8080 }] }), pods).ready).toEqual(['127.0.0.1:31001 p1'])
    expect(summary(service({ ports: [{ port: 80, targetPort: 7070 }] }), pods).ready).toEqual([])
  })

  it('groups pods into one subset per distinct set of host ports, sorted', () => {
    const ep = computeEndpoints(service(), [
      pod('p3', { hostIP: '127.0.0.2', node: 'node-b', ports: [['http', 8080, 30000]] }),
      pod('p1', { ports: [['http', 8080, 30000]] }),
      pod('p2', { ports: [['http', 8080, 29000]], ready: false }),
    ])
    expect(ep).toEqual({
      apiVersion: 'v1',
      kind: 'Endpoints',
      metadata: { name: 'web', namespace: 'default', labels: { tier: 'front' } },
      subsets: [
        {
          addresses: [],
          notReadyAddresses: [{ ip: '127.0.0.1', nodeName: 'node-a', targetRef: { kind: 'Pod', name: 'p2', namespace: 'default', uid: 'uid-p2' } }],
          ports: [{ name: 'http', port: 29000, protocol: 'TCP' }],
        },
        {
          addresses: [
            { ip: '127.0.0.1', nodeName: 'node-a', targetRef: { kind: 'Pod', name: 'p1', namespace: 'default', uid: 'uid-p1' } },
            { ip: '127.0.0.2', nodeName: 'node-b', targetRef: { kind: 'Pod', name: 'p3', namespace: 'default', uid: 'uid-p3' } },
          ],
          notReadyAddresses: [],
          ports: [{ name: 'http', port: 30000, protocol: 'TCP' }],
        },
      ],
    })
  })

  it('keeps the ports a pod has when it lacks others, and is independent of input order', () => {
    const svc = service({ ports: [{ name: 'http', port: 80, targetPort: 'http' }, { name: 'metrics', port: 9100, targetPort: 'metrics' }] })
    const pods = [pod('p1', { ports: [['http', 8080, 30001], ['metrics', 9100, 30002]] }), pod('p2', { ports: [['http', 8080, 30003]] })]
    const ep = computeEndpoints(svc, pods)
    expect(ep?.subsets.map((s) => [s.addresses.map((a) => a.targetRef.name), s.ports.map((p) => `${p.name}=${p.port}`)])).toEqual([
      [['p1'], ['http=30001', 'metrics=30002']],
      [['p2'], ['http=30003']],
    ])
    expect(computeEndpoints(svc, [...pods].reverse())).toEqual(ep)
  })

  it('publishes unready pods when the service asks to', () => {
    expect(summary(service({ publishNotReadyAddresses: true }), [pod('p1', { ready: false })])).toEqual({ ready: ['127.0.0.1:30001 p1'], notReady: [] })
  })

  it('yields empty subsets when nothing matches, and nothing for a service without a selector', () => {
    expect(computeEndpoints(service(), [])?.subsets).toEqual([])
    expect(computeEndpoints(service({ selector: undefined }), [pod('p1')])).toBeUndefined()
    expect(computeEndpoints(service({ selector: {} }), [pod('p1')])).toBeUndefined()
  })
})
