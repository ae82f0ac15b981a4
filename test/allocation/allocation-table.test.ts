import { describe, expect, it } from 'vitest'
import { AllocationTable } from '../../node/allocation/allocation-table.js'
import type { BindResult, UnbindResult } from '../../node/allocation/allocation-table.js'
import type { Binding } from '../../node/allocation/commands.js'
import { encodeCommand } from '../../node/allocation/commands.js'

function binding(podUid: string, nodeId: string, hostPorts: number[] = [], cpuMillis = 100): Binding {
  return { podUid, namespace: 'default', name: podUid, nodeId, nodeName: `name-${nodeId}`, cpuMillis, memoryBytes: 1024, hostPorts, ports: [] }
}

describe('AllocationTable', () => {
  it('binds, accounts usage per node, and unbinds', () => {
    const t = new AllocationTable()
    const r = t.apply(encodeCommand({ op: 'bind', bindings: [binding('a', 'n1', [30000]), binding('b', 'n1', [30001]), binding('c', 'n2')] }), 1) as BindResult
    expect(r.bound).toEqual(['a', 'b', 'c'])
    expect(t.usage('n1')).toEqual({ cpuMillis: 200, memoryBytes: 2048, pods: 2, ports: [30000, 30001] })
    expect(t.onNode('n2').map((b) => b.podUid)).toEqual(['c'])
    const u = t.apply(encodeCommand({ op: 'unbind', podUids: ['a', 'zz'], reason: 'test' }), 2) as UnbindResult
    expect(u.unbound).toEqual(['a'])
    expect(t.usage('n1')).toMatchObject({ cpuMillis: 100, pods: 1, ports: [30001] })
    expect(t.index).toBe(2)
  })

  it('never binds a pod twice nor a host port twice on one node, even within one batch', () => {
    const t = new AllocationTable()
    t.apply(encodeCommand({ op: 'bind', bindings: [binding('a', 'n1', [8080])] }), 1)
    const r = t.apply(
      encodeCommand({ op: 'bind', bindings: [binding('a', 'n2'), binding('b', 'n1', [8080]), binding('c', 'n2', [8080]), binding('d', 'n2', [8080])] }),
      2,
    ) as BindResult
    expect(r.bound).toEqual(['c'])
    expect(Object.keys(r.rejected).sort()).toEqual(['a', 'b', 'd'])
    expect(r.rejected['a']).toMatch(/already bound/)
    expect(r.rejected['b']).toMatch(/host port 8080/)
    expect(t.get('a')?.nodeId).toBe('n1')
  })

  it('treats a malformed command as a deterministic no-op', () => {
    const t = new AllocationTable()
    expect(t.apply(new TextEncoder().encode('{"op":"bind"}'), 1)).toHaveProperty('error')
    expect(t.apply(new Uint8Array([0xff]), 2)).toHaveProperty('error')
    expect(t.size).toBe(0)
  })

  it('restores from its snapshot to an identical table and reports the difference', () => {
    const a = new AllocationTable()
    a.apply(encodeCommand({ op: 'bind', bindings: [binding('x', 'n1', [1]), binding('y', 'n2', [2])] }), 5)
    const b = new AllocationTable()
    b.apply(encodeCommand({ op: 'bind', bindings: [binding('stale', 'n3')] }), 1)
    const changes: { bound: string[]; unbound: string[] }[] = []
    b.subscribe((c) => changes.push({ bound: c.bound.map((x) => x.podUid), unbound: c.unbound.map((x) => x.podUid) }))
    b.restore(a.snapshot(), 5)
    expect(new TextDecoder().decode(b.snapshot())).toBe(new TextDecoder().decode(a.snapshot()))
    expect(b.usage('n1').ports).toEqual([1])
    expect(changes).toEqual([{ bound: ['x', 'y'], unbound: ['stale'] }])
  })
})
