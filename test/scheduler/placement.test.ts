import { describe, expect, it } from 'vitest'
import { schedule } from '../../node/scheduler/index.js'
import { allocation, bindings, GiB, MiB, node, perNode, pod, replicas, snapshot } from './fixtures.js'

describe('placement', () => {
  it('accounts resources across many placements in one plan', () => {
    const nodes = [node('a', { allocatable: { cpuMillis: 1000, memoryBytes: 10 * GiB } }), node('b', { allocatable: { cpuMillis: 1000, memoryBytes: 10 * GiB } })]
    const existing = [allocation('x', 'a', { cpuMillis: 300 })]
    const pending = Array.from({ length: 20 }, (_, i) => pod(`p${String(i).padStart(2, '0')}`, { requests: { cpuMillis: 100, memoryBytes: 100 * MiB } }))
    const plan = schedule(snapshot(nodes, pending, existing), { seed: 3 })
    // 7 fit beside the committed 300m on a, 10 on b; the three youngest pods are left over.
    expect(perNode(plan)).toEqual({ a: 7, b: 10 })
    expect(plan.failures.map((f) => f.podUid)).toEqual(['p17', 'p18', 'p19'])
    expect(plan.failures[0]?.message).toBe('0/2 nodes are available: 2 insufficient cpu.')
  })

  it('places the oldest pods first when not everything fits', () => {
    const nodes = [node('a', { allocatable: { cpuMillis: 1000, memoryBytes: GiB } })]
    const young = pod('young', { createdAt: 20, requests: { cpuMillis: 600, memoryBytes: 0 } })
    const old = pod('old', { createdAt: 10, requests: { cpuMillis: 600, memoryBytes: 0 } })
    const plan = schedule(snapshot(nodes, [young, old]), { seed: 1 })
    expect(bindings(plan)).toEqual({ old: 'a' })
    expect(plan.failures.map((f) => f.podUid)).toEqual(['young'])
  })

  it('orders pods of equal age by name', () => {
    const nodes = [node('a', { allocatable: { cpuMillis: 100, memoryBytes: GiB } })]
    const plan = schedule(snapshot(nodes, [pod('u1', { name: 'zeta', createdAt: 5 }), pod('u2', { name: 'alpha', createdAt: 5 })]), { seed: 1 })
    expect(bindings(plan)).toEqual({ u2: 'a' })
  })

  it('honours the nodeSelector', () => {
    const nodes = [node('a', { labels: { zone: 'east' } }), node('b', { labels: { zone: 'west', disk: 'ssd' } }), node('c', { labels: { zone: 'west' } })]
    const plan = schedule(snapshot(nodes, replicas('rc', 4, { nodeSelector: { zone: 'west' } })), { seed: 1 })
    expect(perNode(plan)).toEqual({ b: 2, c: 2 })
    const ssd = schedule(snapshot(nodes, [pod('p', { nodeSelector: { zone: 'west', disk: 'ssd' } })]), { seed: 1 })
    expect(bindings(ssd)).toEqual({ p: 'b' })
  })

  it('picks the runtime per node and reports it in the placement', () => {
    const nodes = [node('d', { runtimes: ['docker'] }), node('p', { runtimes: ['process'] })]
    const plan = schedule(snapshot(nodes, [pod('img', { images: true, nodeSelector: {} }), pod('cmd', { images: false })]), { seed: 1 })
    expect(bindings(plan).cmd).toBe('p')
    const img = plan.placements.find((p) => p.podUid === 'img')
    expect(img?.runtime).toBe(img?.node === 'd' ? 'docker' : 'process')
    const explicit = schedule(snapshot(nodes, [pod('x', { images: true, runtimeClassName: 'docker' })]), { seed: 1 })
    expect(explicit.placements.map((p) => [p.node, p.runtime])).toEqual([['d', 'docker']])
    const noDocker = schedule(snapshot([node('p', { runtimes: ['process'] })], [pod('x', { images: true, runtimeClassName: 'docker' })]), { seed: 1 })
    expect(noDocker.failures[0]?.message).toBe("0/1 nodes are available: 1 node(s) didn't have runtime docker.")
  })

  it('copies the owner into the placement so that it can be committed as an allocation row', () => {
    const plan = schedule(snapshot([node('a')], [pod('p', { ownerUid: 'rc', requests: { cpuMillis: 250, memoryBytes: 5 * MiB } }), pod('q')]), { seed: 1 })
    expect(plan.placements).toEqual([
      { podUid: 'p', node: 'a', runtime: 'process', cpuMillis: 250, memoryBytes: 5 * MiB, hostPorts: [], ports: [], ownerUid: 'rc' },
      { podUid: 'q', node: 'a', runtime: 'process', cpuMillis: 100, memoryBytes: 64 * MiB, hostPorts: [], ports: [] },
    ])
  })

  it('skips pods that are already bound or listed twice', () => {
    const plan = schedule(snapshot([node('a')], [pod('bound'), pod('p'), pod('p')], [allocation('bound', 'a')]), { seed: 1 })
    expect(plan.placements.map((p) => p.podUid)).toEqual(['p'])
    expect(plan.failures).toEqual([])
  })

  it('stops at maxPlacements and defers the rest in order, failures not counting', () => {
    const nodes = [node('a', { allocatable: { cpuMillis: 1000, memoryBytes: GiB } })]
    const pending = [pod('p0'), pod('huge', { requests: { cpuMillis: 5000, memoryBytes: 0 } }), pod('p1'), pod('p2'), pod('p3')]
    const plan = schedule(snapshot(nodes, pending), { seed: 1, maxPlacements: 2 })
    expect(plan.placements.map((p) => p.podUid)).toEqual(['p0', 'p1'])
    expect(plan.failures.map((f) => f.podUid)).toEqual(['huge'])
    expect(plan.deferred).toEqual(['p2', 'p3'])
  })

  it('does not modify its input', () => {
    const snap = snapshot([node('a'), node('b')], replicas('rc', 3, { ports: [{ container: 'c', containerPort: 80 }] }), [allocation('x', 'a', { hostPorts: [30000] })])
    const copy = structuredClone(snap)
    schedule(snap, { seed: 1 })
    expect(snap).toEqual(copy)
  })
})
