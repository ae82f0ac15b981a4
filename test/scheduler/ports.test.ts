import { describe, expect, it } from 'vitest'
import { schedule } from '../../node/scheduler/index.js'
import type { PendingPod } from '../../node/scheduler/index.js'
import { allocation, bindings, node, pod, replicas, snapshot } from './fixtures.js'

const fixed = (hostPort: number): PendingPod['ports'] => [{ container: 'web', containerPort: 80, hostPort }]
const dynamic = (...names: string[]): PendingPod['ports'] => names.map((name, i) => ({ container: 'web', name, containerPort: 8080 + i }))

describe('host ports', () => {
  it('a fixed host port taken by a committed allocation rules the node out', () => {
    const existing = [allocation('x', 'a', { hostPorts: [8080] })]
    const plan = schedule(snapshot([node('a'), node('b')], [pod('p', { ports: fixed(8080) })], existing), { seed: 1 })
    expect(bindings(plan)).toEqual({ p: 'b' })
    expect(plan.placements[0]?.ports).toEqual([{ container: 'web', containerPort: 80, hostPort: 8080 }])
  })

  it('a fixed host port taken earlier in the same plan rules the node out', () => {
    const plan = schedule(snapshot([node('a'), node('b')], replicas('rc', 3, { ports: fixed(8080) })), { seed: 1 })
    expect(plan.placements.map((p) => p.node).sort()).toEqual(['a', 'b'])
    expect(plan.failures).toEqual([
      { podUid: 'rc-2', message: "0/2 nodes are available: 2 node(s) didn't have free ports for the requested pod ports.", reasons: { "node(s) didn't have free ports for the requested pod ports": 2 } },
    ])
  })

  it('gives ports without hostPort free ports of the range, unique per node, from a seeded random start', () => {
    const existing = [allocation('x', 'a', { hostPorts: [30000, 30002] })]
    const pending = Array.from({ length: 3 }, (_, i) => pod(`p${i}`, { ports: dynamic('http', 'admin') }))
    const plan = schedule(snapshot([node('a')], pending, existing), { seed: 1 })
    const ports = plan.placements.flatMap((p) => p.hostPorts)
    expect(ports).toHaveLength(6)
    expect(new Set(ports).size).toBe(6)
    expect(ports.every((p) => p >= 30000 && p <= 32767 && p !== 30000 && p !== 30002)).toBe(true)
    expect(plan.placements[0]?.ports.map((p) => p.name)).toEqual(['http', 'admin'])
    // Replays from its seed; another seed starts elsewhere, so a just-freed port is rarely reused.
    expect(schedule(snapshot([node('a')], pending, existing), { seed: 1 }).placements.flatMap((p) => p.hostPorts)).toEqual(ports)
    expect(schedule(snapshot([node('a')], pending, existing), { seed: 2 }).placements.flatMap((p) => p.hostPorts)).not.toEqual(ports)
  })

  it("never hands out a pod's own fixed port as one of its dynamic ports", () => {
    const ports = [...dynamic('http'), { container: 'web', containerPort: 90, hostPort: 31000 }]
    const nodes = [node('a', { portRange: { min: 31000, max: 31001 } })]
    const plan = schedule(snapshot(nodes, [pod('p', { ports })]), { seed: 1 })
    expect(plan.placements[0]?.hostPorts).toEqual([31001, 31000])
  })

  it("uses the options range, and a node's own range over it", () => {
    const nodes = [node('a', { portRange: { min: 40000, max: 40010 } }), node('b', { ready: false })]
    const plan = schedule(snapshot(nodes, [pod('p', { ports: dynamic('http') })]), { seed: 1, portRange: { min: 5000, max: 5001 } })
    const [port] = plan.placements[0]!.hostPorts
    expect(port).toBeGreaterThanOrEqual(40000)
    expect(port).toBeLessThanOrEqual(40010)
    const plan2 = schedule(snapshot([node('c')], [pod('q', { ports: dynamic('http') })]), { seed: 1, portRange: { min: 5000, max: 5001 } })
    expect([5000, 5001]).toContain(plan2.placements[0]?.hostPorts[0])
  })

  it('a node whose range is used up is infeasible with "no free host ports"', () => {
    const nodes = [node('a', { portRange: { min: 31000, max: 31002 } }), node('b', { portRange: { min: 31000, max: 31000 } })]
    const existing = [allocation('x', 'b', { hostPorts: [31000] })]
    const pending = Array.from({ length: 3 }, (_, i) => pod(`p${i}`, { ports: dynamic('http') }))
    pending.push(pod('last', { ports: dynamic('http') }))
    const plan = schedule(snapshot(nodes, pending, existing), { seed: 1 })
    expect(plan.placements.map((p) => p.node)).toEqual(['a', 'a', 'a'])
    expect(plan.placements.map((p) => p.hostPorts[0]).sort()).toEqual([31000, 31001, 31002])
    expect(plan.failures.map((f) => f.message)).toEqual(['0/2 nodes are available: 2 node(s) had no free host ports.'])
  })

  it('ports outside the range in committed allocations do not shrink the range', () => {
    const nodes = [node('a', { portRange: { min: 31000, max: 31001 } })]
    const existing = [allocation('x', 'a', { hostPorts: [80, 443, 30999, 31002] })]
    const plan = schedule(snapshot(nodes, [pod('p', { ports: dynamic('a', 'b') })], existing), { seed: 1 })
    expect([...plan.placements[0]!.hostPorts].sort()).toEqual([31000, 31001])
  })

  describe('service ports (the proxy holds them on every node)', () => {
    it('a pod asking for a service port as its fixed host port fits nowhere, and says why', () => {
      const plan = schedule({ ...snapshot([node('a'), node('b'), node('c')], [pod('p', { ports: fixed(30123) })]), servicePorts: [30123] }, { seed: 1 })
      expect(plan.placements).toEqual([])
      expect(plan.failures).toEqual([
        {
          podUid: 'p',
          message: '0/3 nodes are available: 3 node(s) had a requested host port that conflicts with a service port.',
          reasons: { 'node(s) had a requested host port that conflicts with a service port': 3 },
        },
      ])
    })

    it('dynamic host ports skip service ports inside the range', () => {
      const nodes = [node('a', { portRange: { min: 31000, max: 31003 } })]
      const pending = Array.from({ length: 2 }, (_, i) => pod(`p${i}`, { ports: dynamic('http') }))
      for (let seed = 1; seed <= 20; seed++) {
        const plan = schedule({ ...snapshot(nodes, pending), servicePorts: [31000, 31002, 18080] }, { seed })
        expect(plan.placements.flatMap((p) => p.hostPorts).sort()).toEqual([31001, 31003])
      }
    })

    it('service ports count against the free range: a range of service ports only is full', () => {
      const nodes = [node('a', { portRange: { min: 31000, max: 31001 } })]
      const plan = schedule({ ...snapshot(nodes, [pod('p', { ports: dynamic('http') })]), servicePorts: [31000, 31001] }, { seed: 1 })
      expect(plan.failures.map((f) => f.message)).toEqual(['0/1 nodes are available: 1 node(s) had no free host ports.'])
    })

    it('other fixed ports and pods without ports are unaffected', () => {
      const plan = schedule({ ...snapshot([node('a')], [pod('p', { ports: fixed(8080) }), pod('q')]), servicePorts: [18080] }, { seed: 1 })
      expect(bindings(plan)).toEqual({ p: 'a', q: 'a' })
    })
  })
})
