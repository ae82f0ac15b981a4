import { describe, expect, it } from 'vitest'
import { DEFAULT_LEFT_GRACE_MS, nodeLifecycle } from '../../node/controllers/index.js'
import type { LifecycleBinding, MemberView } from '../../node/controllers/index.js'
import { T0 } from './fixtures.js'

const GRACE = 5_000

function bind(name: string, nodeId: string, nodeName = nodeId.replace('peer-', '')): LifecycleBinding {
  return { podUid: `uid-${name}`, namespace: 'default', name, nodeId, nodeName }
}

function member(nodeId: string, state: MemberView['state'], since = T0): MemberView {
  return { nodeId, name: nodeId.replace('peer-', ''), state, since }
}

const bindings = [bind('web-2', 'peer-b'), bind('web-1', 'peer-b'), bind('web-3', 'peer-a')]

describe('nodeLifecycle', () => {
  it('reports a down node at once and unbinds its pods only when the grace has passed', () => {
    const members = [member('peer-a', 'alive'), member('peer-b', 'down', T0)]
    const before = nodeLifecycle(members, bindings, { now: T0 + GRACE - 1, rescheduleGraceMs: GRACE })
    expect(before.notReady).toEqual([
      {
        nodeId: 'peer-b',
        name: 'b',
        cause: 'down',
        since: T0,
        pods: [
          { podUid: 'uid-web-1', namespace: 'default', name: 'web-1' },
          { podUid: 'uid-web-2', namespace: 'default', name: 'web-2' },
        ],
      },
    ])
    expect(before.unbind).toEqual([])

    const at = nodeLifecycle(members, bindings, { now: T0 + GRACE, rescheduleGraceMs: GRACE, memory: before.memory })
    expect(at.notReady).toEqual([])
    expect(at.unbind).toEqual([
      { podUid: 'uid-web-1', namespace: 'default', name: 'web-1', nodeId: 'peer-b', nodeName: 'b', cause: 'down', reason: 'node b is down' },
      { podUid: 'uid-web-2', namespace: 'default', name: 'web-2', nodeId: 'peer-b', nodeName: 'b', cause: 'down', reason: 'node b is down' },
    ])
  })

  it('reports a node that left at once but keeps its pods bound for the left grace, so a restart adopts them', () => {
    const members = [member('peer-a', 'alive'), member('peer-b', 'left', T0)]
    const first = nodeLifecycle(members, bindings, { now: T0, rescheduleGraceMs: GRACE, leftGraceMs: 3 * GRACE })
    expect(first.notReady.map((n) => [n.name, n.cause, n.pods.length])).toEqual([['b', 'left', 2]])
    expect(first.unbind).toEqual([])
    // Past the down grace, still within the left grace.
    const within = nodeLifecycle(members, bindings, { now: T0 + 3 * GRACE - 1, rescheduleGraceMs: GRACE, leftGraceMs: 3 * GRACE, memory: first.memory })
    expect(within.unbind).toEqual([])
    const due = nodeLifecycle(members, bindings, { now: T0 + 3 * GRACE, rescheduleGraceMs: GRACE, leftGraceMs: 3 * GRACE, memory: within.memory })
    expect(due.notReady).toEqual([])
    expect(due.unbind.map((u) => [u.name, u.cause, u.reason])).toEqual([
      ['web-1', 'left', 'node b left the cluster'],
      ['web-2', 'left', 'node b left the cluster'],
    ])
  })

  it('waits for the longer of the two graces for a node that left, 15 s by default', () => {
    const members = [member('peer-a', 'alive'), member('peer-b', 'left', T0)]
    expect(nodeLifecycle(members, bindings, { now: T0 + DEFAULT_LEFT_GRACE_MS - 1, rescheduleGraceMs: GRACE }).unbind).toEqual([])
    expect(nodeLifecycle(members, bindings, { now: T0 + DEFAULT_LEFT_GRACE_MS, rescheduleGraceMs: GRACE }).unbind).toHaveLength(2)
    // A down grace longer than the left one applies to left nodes too: leaving is no reason to hurry.
    const long = { rescheduleGraceMs: 4 * GRACE, leftGraceMs: GRACE }
    expect(nodeLifecycle(members, bindings, { now: T0 + 4 * GRACE - 1, ...long }).unbind).toEqual([])
    expect(nodeLifecycle(members, bindings, { now: T0 + 4 * GRACE, ...long }).unbind).toHaveLength(2)
  })

  it('keeps the pods of a node that left and came back within the grace', () => {
    const left = nodeLifecycle([member('peer-a', 'alive'), member('peer-b', 'left', T0)], bindings, { now: T0, rescheduleGraceMs: GRACE, leftGraceMs: 3 * GRACE })
    const back = nodeLifecycle([member('peer-a', 'alive'), member('peer-b', 'alive', T0 + GRACE)], bindings, { now: T0 + 10 * GRACE, rescheduleGraceMs: GRACE, leftGraceMs: 3 * GRACE, memory: left.memory })
    expect(back.unbind).toEqual([])
    expect(back.notReady).toEqual([])
    expect(back.memory.notReady.size).toBe(0)
  })

  it('never reports or unbinds a suspect node, however long it is suspect', () => {
    const d = nodeLifecycle([member('peer-a', 'alive'), member('peer-b', 'suspect', T0)], bindings, { now: T0 + 100 * GRACE, rescheduleGraceMs: GRACE })
    expect(d.notReady).toEqual([])
    expect(d.unbind).toEqual([])
  })

  it('counts a bound node missing from membership as down from when it was first noticed', () => {
    const members = [member('peer-a', 'alive')]
    const first = nodeLifecycle(members, bindings, { now: T0, rescheduleGraceMs: GRACE })
    expect(first.notReady).toMatchObject([{ nodeId: 'peer-b', name: 'b', cause: 'unknown', since: T0 }])
    expect(first.unbind).toEqual([])
    const later = nodeLifecycle(members, bindings, { now: T0 + GRACE - 1, rescheduleGraceMs: GRACE, memory: first.memory })
    expect(later.unbind).toEqual([])
    const due = nodeLifecycle(members, bindings, { now: T0 + GRACE, rescheduleGraceMs: GRACE, memory: later.memory })
    expect(due.unbind.map((u) => [u.name, u.cause, u.reason])).toEqual([
      ['web-1', 'unknown', 'node b is not a cluster member'],
      ['web-2', 'unknown', 'node b is not a cluster member'],
    ])
  })

  it('forgets a node that comes back, and reports it again when it fails again', () => {
    const down = [member('peer-a', 'alive'), member('peer-b', 'down', T0)]
    const r1 = nodeLifecycle(down, bindings, { now: T0, rescheduleGraceMs: GRACE })
    const r2 = nodeLifecycle([member('peer-a', 'alive'), member('peer-b', 'alive', T0 + 1000)], bindings, { now: T0 + 1000, rescheduleGraceMs: GRACE, memory: r1.memory })
    expect(r2.memory.notReady.size).toBe(0)
    const r3 = nodeLifecycle([member('peer-a', 'alive'), member('peer-b', 'down', T0 + 2000)], bindings, { now: T0 + 2000, rescheduleGraceMs: GRACE, memory: r2.memory })
    expect(r3.notReady.map((n) => n.nodeId)).toEqual(['peer-b'])
    expect(r3.unbind).toEqual([])
  })

  it('restarts the unknown-node clock when the node shows up in between', () => {
    const r1 = nodeLifecycle([member('peer-a', 'alive')], bindings, { now: T0, rescheduleGraceMs: GRACE })
    const r2 = nodeLifecycle([member('peer-a', 'alive'), member('peer-b', 'alive')], bindings, { now: T0 + 1000, rescheduleGraceMs: GRACE, memory: r1.memory })
    const r3 = nodeLifecycle([member('peer-a', 'alive')], bindings, { now: T0 + GRACE, rescheduleGraceMs: GRACE, memory: r2.memory })
    expect(r3.unbind).toEqual([])
    expect(r3.notReady).toMatchObject([{ nodeId: 'peer-b', since: T0 + GRACE }])
  })

  it('reports a down node without pods, so the node itself can be marked, but unbinds nothing', () => {
    const d = nodeLifecycle([member('peer-c', 'down', T0)], [], { now: T0 + GRACE, rescheduleGraceMs: GRACE })
    expect(d.notReady).toEqual([{ nodeId: 'peer-c', name: 'c', cause: 'down', since: T0, pods: [] }])
    expect(d.unbind).toEqual([])
  })
})
