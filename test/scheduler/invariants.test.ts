import { describe, expect, it } from 'vitest'
import { schedule } from '../../node/scheduler/index.js'
import type { Allocation, PendingPod, Plan, SchedulerNode, SchedulingSnapshot } from '../../node/scheduler/index.js'
import { randomSnapshot } from './random-snapshot.js'

const RANGE = { min: 31000, max: 31004 }

interface Usage {
  cpu: number
  mem: number
  ports: Set<number>
}

/** Node name → what committed allocations plus the plan's placements use. */
function usage(snap: SchedulingSnapshot, rows: readonly Allocation[]): Map<string, Usage> {
  const used = new Map(snap.nodes.map((n) => [n.name, { cpu: 0, mem: 0, ports: new Set<number>() }]))
  for (const a of rows) {
    const u = used.get(a.node)!
    u.cpu += a.cpuMillis
    u.mem += a.memoryBytes
    for (const port of a.hostPorts) {
      expect(u.ports.has(port), `port ${port} used twice on ${a.node}`).toBe(false)
      u.ports.add(port)
    }
  }
  return used
}

function runtimeOk(pod: PendingPod, node: SchedulerNode, runtime?: string): boolean {
  const wanted = pod.runtimeClassName !== undefined ? [pod.runtimeClassName] : pod.images ? ['docker', 'process'] : ['process']
  return runtime === undefined ? wanted.some((r) => node.runtimes.includes(r)) : wanted.includes(runtime) && node.runtimes.includes(runtime)
}

/** An independent statement of the filters, checked against the state after the whole plan. */
function couldFit(pod: PendingPod, node: SchedulerNode, u: Usage): boolean {
  const range = node.portRange ?? RANGE
  const fixed = pod.ports.flatMap((p) => (p.hostPort === undefined ? [] : [p.hostPort]))
  const dynamic = pod.ports.length - fixed.length
  const taken = new Set([...u.ports, ...fixed])
  let free = 0
  for (let port = range.min; port <= range.max; port++) if (!taken.has(port)) free++
  return (
    node.ready &&
    runtimeOk(pod, node) &&
    Object.entries(pod.nodeSelector).every(([k, v]) => node.labels[k] === v) &&
    new Set(fixed).size === fixed.length &&
    fixed.every((port) => !u.ports.has(port)) &&
    free >= dynamic &&
    u.cpu + pod.requests.cpuMillis <= node.allocatable.cpuMillis &&
    u.mem + pod.requests.memoryBytes <= node.allocatable.memoryBytes
  )
}

function checkPlan(snap: SchedulingSnapshot, plan: Plan): void {
  const nodes = new Map(snap.nodes.map((n) => [n.name, n]))
  const pods = new Map(snap.pending.map((p) => [p.uid, p]))
  const after = usage(snap, [...snap.allocations, ...plan.placements])

  for (const placement of plan.placements) {
    const node = nodes.get(placement.node)!
    const pod = pods.get(placement.podUid)!
    const u = after.get(node.name)!
    expect(u.cpu, `cpu over-committed on ${node.name}`).toBeLessThanOrEqual(node.allocatable.cpuMillis)
    expect(u.mem, `memory over-committed on ${node.name}`).toBeLessThanOrEqual(node.allocatable.memoryBytes)
    expect(node.ready).toBe(true)
    expect(runtimeOk(pod, node, placement.runtime)).toBe(true)
    for (const [k, v] of Object.entries(pod.nodeSelector)) expect(node.labels[k]).toBe(v)
    const range = node.portRange ?? RANGE
    placement.ports.forEach((p, i) => {
      const asked = pod.ports[i]!
      if (asked.hostPort !== undefined) expect(p.hostPort).toBe(asked.hostPort)
      else expect(p.hostPort >= range.min && p.hostPort <= range.max).toBe(true)
    })
    expect(placement.hostPorts).toEqual(placement.ports.map((p) => p.hostPort))
    expect([placement.cpuMillis, placement.memoryBytes]).toEqual([pod.requests.cpuMillis, pod.requests.memoryBytes])
  }

  for (const failure of plan.failures) {
    expect(Object.values(failure.reasons).reduce((a, b) => a + b, 0)).toBe(snap.nodes.length)
    // State only fills up during a plan, so a pod that fit nowhere then fits nowhere now.
    const pod = pods.get(failure.podUid)!
    for (const node of snap.nodes) expect(couldFit(pod, node, after.get(node.name)!), `${pod.uid} fits ${node.name}`).toBe(false)
  }

  const outcomes = [...plan.placements.map((p) => p.podUid), ...plan.failures.map((f) => f.podUid), ...plan.deferred]
  expect(outcomes.sort()).toEqual([...pods.keys()].sort())
}

describe('invariants over random snapshots', () => {
  it('never over-commits, never reuses a host port, and places or explains every pod', () => {
    let placed = 0
    let failed = 0
    for (let seed = 1; seed <= 300; seed++) {
      const snap = randomSnapshot(seed)
      for (const strategy of ['spread', 'binpack'] as const) {
        const plan = schedule(snap, { seed, strategy, portRange: RANGE })
        checkPlan(snap, plan)
        placed += plan.placements.length
        failed += plan.failures.length
      }
    }
    // The generator must exercise both outcomes for the checks above to mean anything.
    expect(placed).toBeGreaterThan(1000)
    expect(failed).toBeGreaterThan(1000)
  })

  it('keeps the invariants when maxPlacements cuts the plan short', () => {
    for (let seed = 1; seed <= 50; seed++) {
      const snap = randomSnapshot(seed)
      const plan = schedule(snap, { seed, portRange: RANGE, maxPlacements: 3 })
      checkPlan(snap, plan)
      expect(plan.placements.length).toBeLessThanOrEqual(3)
    }
  })
})
