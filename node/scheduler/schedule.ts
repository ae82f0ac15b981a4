import { Prng } from '../../lib/prng.js'
import { ClassEligibility } from './eligibility.js'
import { DYNAMIC_FILTERS, firstRejection } from './feasibility.js'
import { explainFailure } from './fit-failure.js'
import { resolveRuntime } from './filters/runtime-available.js'
import { buildNodeStates, type NodeState } from './node-state.js'
import { comparePending, podRequest, type PodRequest } from './pod-request.js'
import { OwnerSpread, resourceScore } from './rank.js'
import type { Placement, PlacementStrategy, Plan, PortRange, SchedulerOptions, SchedulingSnapshot } from './types.js'

export const DEFAULT_PORT_RANGE: PortRange = { min: 30000, max: 32767 }

/**
 * Places pending pods on nodes. Pure: the same snapshot and options give the same plan, and
 * nothing outside the returned plan changes.
 *
 * Pods go in age order and each placement is accounted before the next pod is looked at, so one
 * call places a whole batch without over-committing a node. For each pod: the feasibility chain
 * (feasibility.ts) drops nodes, the ranking orders the rest (fewest replicas of the pod's owner,
 * then the strategy's resource score), and the first best node in a seeded shuffle of the node
 * list wins, so ties are broken at random yet replay from the seed.
 *
 * Pending pods whose uid already has an allocation, or that repeat an earlier uid, are skipped:
 * placing them again would bind one pod twice.
 */
export function schedule(snapshot: SchedulingSnapshot, options: SchedulerOptions): Plan {
  const strategy = options.strategy ?? 'spread'
  const range = options.portRange ?? DEFAULT_PORT_RANGE
  const nodes = buildNodeStates(snapshot.nodes, snapshot.allocations, range, new Prng(options.seed), new Set(snapshot.servicePorts ?? []))
  const eligibility = new ClassEligibility(nodes)
  const spread = new OwnerSpread(nodes, snapshot.allocations)
  const seen = new Set(snapshot.allocations.map((a) => a.podUid))
  const plan: Plan = { placements: [], failures: [], deferred: [] }

  for (const pod of [...snapshot.pending].sort(comparePending)) {
    if (seen.has(pod.uid)) continue
    seen.add(pod.uid)
    if (options.maxPlacements !== undefined && plan.placements.length >= options.maxPlacements) {
      plan.deferred.push(pod.uid)
      continue
    }
    const request = podRequest(pod, options.defaultRuntime)
    const node = pickNode(request, nodes, eligibility.eligible(request), spread.replicasByNode(pod.ownerUid), strategy)
    if (node === undefined) {
      plan.failures.push(explainFailure(request, nodes))
      continue
    }
    if (pod.ownerUid !== undefined) spread.add(pod.ownerUid, node.index)
    plan.placements.push(place(request, node))
  }
  return plan
}

/**
 * The best feasible node: fewest replicas of the same owner, then highest resource score. `nodes`
 * is in shuffled order and only a strictly better node replaces the best so far, so on a tie the
 * node earlier in the shuffle wins.
 */
function pickNode(pod: PodRequest, nodes: readonly NodeState[], eligible: Uint8Array, replicas: Uint32Array, strategy: PlacementStrategy): NodeState | undefined {
  let best: NodeState | undefined
  let bestReplicas = Infinity
  let bestScore = -Infinity
  for (const node of nodes) {
    if (eligible[node.index] === 0) continue
    const onNode = replicas[node.index]!
    // A node with more replicas can never win, so skip its dynamic checks.
    if (onNode > bestReplicas) continue
    if (firstRejection(DYNAMIC_FILTERS, pod, node) !== undefined) continue
    const score = resourceScore(strategy, pod, node)
    if (onNode < bestReplicas || score > bestScore) {
      best = node
      bestReplicas = onNode
      bestScore = score
    }
  }
  return best
}

/** Reserves the pod's resources and ports on the node and describes the binding. */
function place(pod: PodRequest, node: NodeState): Placement {
  const runtime = resolveRuntime(pod, node)
  if (runtime === undefined) throw new Error(`node ${node.name} passed the runtime filter without a runtime`)
  // Fixed ports first, so that the dynamic ones cannot take them.
  node.reserve({ cpuMillis: pod.cpuMillis, memoryBytes: pod.memoryBytes, hostPorts: pod.fixedPorts })
  const dynamic = node.takeDynamicPorts(pod.dynamicPorts)
  let next = 0
  const ports = pod.pod.ports.map((p) => ({ ...p, hostPort: p.hostPort ?? dynamic[next++]! }))
  const placement: Placement = {
    podUid: pod.pod.uid,
    node: node.name,
    runtime,
    cpuMillis: pod.cpuMillis,
    memoryBytes: pod.memoryBytes,
    hostPorts: ports.map((p) => p.hostPort),
    ports,
  }
  if (pod.pod.ownerUid !== undefined) placement.ownerUid = pod.pod.ownerUid
  return placement
}
