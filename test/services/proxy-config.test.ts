import { describe, expect, it } from 'vitest'
import { buildProxyConfig, servicePortKey } from '../../node/services/proxy-backends.js'
import { BackendPool } from '../../node/services/proxy/backend-pool.js'
import { claimPorts, diffConflicts } from '../../node/services/proxy/proxy-config.js'
import type { ProxyConflict } from '../../node/services/proxy/proxy-config.js'
import type { Endpoints, Service } from '../../node/services/service-types.js'

const b = (port: number): { host: string; port: number } => ({ host: '127.0.0.1', port })

describe('claimPorts', () => {
  it('gives a contested port to the oldest claim, then the smallest key, whatever the input order', () => {
    const services = [
      { key: 'ns/c', port: 80, backends: [], createdAt: 300 },
      { key: 'ns/b', port: 80, backends: [], createdAt: 100 },
      { key: 'ns/a', port: 80, backends: [] },
      { key: 'ns/z', port: 81, backends: [], createdAt: 100 },
      { key: 'ns/y', port: 81, backends: [], createdAt: 100 },
    ]
    for (const order of [services, [...services].reverse()]) {
      const { claims, conflicts } = claimPorts(order)
      expect([...claims].map(([port, s]) => [port, s.key]).sort()).toEqual([
        [80, 'ns/b'],
        [81, 'ns/y'],
      ])
      expect(conflicts.map((c) => [c.key, c.reason, c.holder])).toEqual([
        ['ns/z', 'PortClaimed', 'ns/y'],
        ['ns/c', 'PortClaimed', 'ns/b'],
        ['ns/a', 'PortClaimed', 'ns/b'],
      ])
    }
  })

  it('rejects ports outside 1-65535 and counts a repeated key once', () => {
    const { claims, conflicts } = claimPorts([
      { key: 'ns/zero', port: 0, backends: [] },
      { key: 'ns/big', port: 70000, backends: [] },
      { key: 'ns/a', port: 80, backends: [b(1)] },
      { key: 'ns/a', port: 81, backends: [b(2)] },
    ])
    expect([...claims.keys()]).toEqual([80])
    expect(conflicts.map((c) => [c.key, c.reason])).toEqual([
      ['ns/big', 'InvalidPort'],
      ['ns/zero', 'InvalidPort'],
    ])
  })
})

describe('diffConflicts', () => {
  const c = (key: string, reason: ProxyConflict['reason']): ProxyConflict => ({ key, port: 80, reason, message: '' })

  it('announces new and changed conflicts once, and clears ports left without any', () => {
    expect(diffConflicts([], [c('a', 'PortInUse')])).toEqual({ added: [c('a', 'PortInUse')], cleared: [] })
    expect(diffConflicts([c('a', 'PortInUse')], [c('a', 'PortInUse')])).toEqual({ added: [], cleared: [] })
    expect(diffConflicts([c('a', 'PortInUse')], [c('a', 'PortClaimed')])).toEqual({ added: [c('a', 'PortClaimed')], cleared: [] })
    expect(diffConflicts([c('a', 'PortInUse'), c('b', 'PortClaimed')], [c('b', 'PortClaimed')])).toEqual({ added: [], cleared: [{ key: 'a', port: 80 }] })
  })
})

describe('BackendPool', () => {
  it('rotates one step per connection', () => {
    const pool = new BackendPool()
    pool.set([b(1), b(2), b(3)])
    expect([0, 1, 2, 3].map(() => pool.plan().map((x) => x.port))).toEqual([
      [1, 2, 3],
      [2, 3, 1],
      [3, 1, 2],
      [1, 2, 3],
    ])
  })

  it('puts a failed backend last for the cooldown, and forgets it when removed', () => {
    let now = 0
    const pool = new BackendPool({ cooldownMs: 1000, now: () => now })
    pool.set([b(1), b(2), b(3)])
    pool.markFailed(b(2))
    expect([0, 1, 2].map(() => pool.plan().map((x) => x.port))).toEqual([
      [1, 3, 2],
      [3, 1, 2],
      [1, 3, 2],
    ])
    now = 1001
    expect(pool.plan().map((x) => x.port)).toContain(2)
    expect(pool.plan()[2]?.port).not.toBe(2)

    pool.markFailed(b(1))
    pool.markFailed(b(2))
    pool.markFailed(b(3))
    expect(pool.plan().map((x) => x.port)).toEqual([1, 2, 3]) // all cooling: still worth trying

    now = 5000
    pool.markFailed(b(1))
    pool.set([b(2), b(3)])
    pool.set([b(1), b(2), b(3)])
    // b(1) was removed in between, so its failure is forgotten and it leads a turn again.
    expect([0, 1, 2].map(() => pool.plan()[0]?.port).sort()).toEqual([1, 2, 3])
  })
})

describe('buildProxyConfig', () => {
  const svc = (name: string, ports: Service['spec']['ports'], created?: string): Service => ({
    metadata: { name, namespace: 'shop', ...(created !== undefined ? { creationTimestamp: created } : {}) },
    spec: { selector: { app: name }, ports },
  })
  const addr = (ip: string): Endpoints['subsets'][number]['addresses'][number] => ({ ip, targetRef: { kind: 'Pod', name: ip, namespace: 'shop', uid: ip } })

  it('maps every ready address of the matching endpoint port, by port name', () => {
    const web = svc('web', [{ name: 'http', port: 80 }, { name: 'admin', port: 81 }], '2024-01-01T00:00:00Z')
    const endpoints: Endpoints = {
      apiVersion: 'v1',
      kind: 'Endpoints',
      metadata: { name: 'web', namespace: 'shop' },
      subsets: [
        { addresses: [addr('127.0.0.2'), addr('127.0.0.1')], notReadyAddresses: [addr('127.0.0.9')], ports: [{ name: 'http', port: 30001, protocol: 'TCP' }, { name: 'admin', port: 30002, protocol: 'TCP' }] },
        { addresses: [addr('127.0.0.1')], notReadyAddresses: [], ports: [{ name: 'http', port: 30005, protocol: 'TCP' }] },
      ],
    }
    expect(buildProxyConfig([web, svc('db', [{ port: 5432 }])], [endpoints])).toEqual({
      services: [
        { key: 'shop/web:http', port: 80, createdAt: Date.parse('2024-01-01T00:00:00Z'), backends: [{ host: '127.0.0.1', port: 30001 }, { host: '127.0.0.1', port: 30005 }, { host: '127.0.0.2', port: 30001 }] },
        { key: 'shop/web:admin', port: 81, createdAt: Date.parse('2024-01-01T00:00:00Z'), backends: [{ host: '127.0.0.1', port: 30002 }, { host: '127.0.0.2', port: 30002 }] },
        { key: 'shop/db', port: 5432, backends: [] },
      ],
    })
  })

  it('names unnamed ports by service only', () => {
    const s = svc('db', [{ port: 5432 }])
    expect(servicePortKey(s, s.spec.ports[0]!)).toBe('shop/db')
  })
})
