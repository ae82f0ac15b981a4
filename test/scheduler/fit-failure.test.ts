import { describe, expect, it } from 'vitest'
import { fitFailureMessage, schedule } from '../../node/scheduler/index.js'
import { allocation, GiB, node, pod, snapshot } from './fixtures.js'

describe('fit failures', () => {
  it('explains a mixed case like Kubernetes: counts per reason, largest first', () => {
    const nodes = [
      node('down', { ready: false }),
      node('no-process', { runtimes: ['docker'] }),
      node('east', { labels: { zone: 'east' } }),
      node('full-1', { labels: { zone: 'west' }, allocatable: { cpuMillis: 4000, memoryBytes: GiB } }),
      node('full-2', { labels: { zone: 'west' }, allocatable: { cpuMillis: 4000, memoryBytes: GiB } }),
      node('busy', { labels: { zone: 'west' }, allocatable: { cpuMillis: 100, memoryBytes: 8 * GiB } }),
      node('port', { labels: { zone: 'west' } }),
    ]
    const existing = [allocation('x', 'port', { hostPorts: [80] })]
    const p = pod('web', { nodeSelector: { zone: 'west' }, requests: { cpuMillis: 500, memoryBytes: 2 * GiB }, ports: [{ container: 'c', containerPort: 80, hostPort: 80 }] })
    const plan = schedule(snapshot(nodes, [p], existing), { seed: 1 })
    expect(plan.placements).toEqual([])
    expect(plan.failures).toEqual([
      {
        podUid: 'web',
        message:
          "0/7 nodes are available: 2 insufficient memory, 1 insufficient cpu, 1 node(s) didn't have free ports for the requested pod ports, " +
          "1 node(s) didn't have runtime process, 1 node(s) didn't match node selector, 1 node(s) were not ready.",
        reasons: {
          'node(s) were not ready': 1,
          "node(s) didn't have runtime process": 1,
          "node(s) didn't match node selector": 1,
          'insufficient memory': 2,
          'insufficient cpu': 1,
          "node(s) didn't have free ports for the requested pod ports": 1,
        },
      },
    ])
  })

  it('matches the example of the design: 2 insufficient memory, 1 node selector mismatch', () => {
    const small = { allocatable: { cpuMillis: 4000, memoryBytes: GiB } }
    const nodes = [node('a', { ...small, labels: { tier: 'web' } }), node('b', { ...small, labels: { tier: 'web' } }), node('c')]
    const plan = schedule(snapshot(nodes, [pod('p', { nodeSelector: { tier: 'web' }, requests: { cpuMillis: 1, memoryBytes: 2 * GiB } })]), { seed: 1 })
    expect(plan.failures[0]?.message).toBe("0/3 nodes are available: 2 insufficient memory, 1 node(s) didn't match node selector.")
  })

  it('says so when there are no nodes at all', () => {
    const plan = schedule(snapshot([], [pod('p')]), { seed: 1 })
    expect(plan.failures).toEqual([{ podUid: 'p', message: '0/0 nodes are available.', reasons: {} }])
  })

  it('orders equal counts by reason text, independent of insertion order', () => {
    expect(fitFailureMessage(4, { b: 1, a: 1, c: 2 })).toBe('0/4 nodes are available: 2 c, 1 a, 1 b.')
    expect(fitFailureMessage(4, { c: 2, a: 1, b: 1 })).toBe('0/4 nodes are available: 2 c, 1 a, 1 b.')
  })
})
