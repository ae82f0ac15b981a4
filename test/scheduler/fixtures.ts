// Snapshot fixtures for the scheduler tests: small builders with sensible defaults, so that each
// test spells out only what it is about.
import type { Allocation, PendingPod, Plan, SchedulerNode, SchedulingSnapshot } from '../../node/scheduler/index.js'

export const MiB = 2 ** 20
export const GiB = 2 ** 30

export function node(name: string, over: Partial<SchedulerNode> = {}): SchedulerNode {
  return { name, ready: true, runtimes: ['docker', 'process'], labels: {}, allocatable: { cpuMillis: 4000, memoryBytes: 8 * GiB }, ...over }
}

let created = 0

/** Pods get increasing createdAt in the order the test builds them, unless it says otherwise. */
export function pod(uid: string, over: Partial<PendingPod> = {}): PendingPod {
  return {
    uid,
    namespace: 'default',
    name: uid,
    createdAt: 1_000 + created++,
    images: false,
    nodeSelector: {},
    requests: { cpuMillis: 100, memoryBytes: 64 * MiB },
    ports: [],
    ...over,
  }
}

export function replicas(owner: string, count: number, over: Partial<PendingPod> = {}): PendingPod[] {
  return Array.from({ length: count }, (_, i) => pod(`${owner}-${i}`, { ownerUid: owner, ...over }))
}

export function allocation(podUid: string, nodeName: string, over: Partial<Allocation> = {}): Allocation {
  return { podUid, node: nodeName, cpuMillis: 100, memoryBytes: 64 * MiB, hostPorts: [], ...over }
}

export function snapshot(nodes: SchedulerNode[], pending: PendingPod[], allocations: Allocation[] = []): SchedulingSnapshot {
  return { nodes, allocations, pending }
}

/** Pod uid → node name for every placement. */
export function bindings(plan: Plan): Record<string, string> {
  return Object.fromEntries(plan.placements.map((p) => [p.podUid, p.node]))
}

/** Node name → number of placements on it. */
export function perNode(plan: Plan): Record<string, number> {
  const counts: Record<string, number> = {}
  for (const p of plan.placements) counts[p.node] = (counts[p.node] ?? 0) + 1
  return counts
}
