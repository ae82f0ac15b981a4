import type { NodeState } from './node-state.js'
import type { PodRequest } from './pod-request.js'
import type { Allocation, PlacementStrategy } from './types.js'

/**
 * Replicas of each owner per node, from committed allocations and this plan's placements. Spreading
 * by owner is what keeps one node's death from taking all replicas of a controller with it.
 * Counts are kept sparse (memory grows with allocations, not owners × nodes) and copied into one
 * dense scratch array per pod, so the scan over nodes reads a typed array.
 */
export class OwnerSpread {
  private readonly counts = new Map<string, Map<number, number>>()
  private readonly scratch: Uint32Array
  private filled: ReadonlyMap<number, number> | undefined

  constructor(nodes: readonly NodeState[], allocations: readonly Allocation[]) {
    this.scratch = new Uint32Array(nodes.length)
    const indexOf = new Map(nodes.map((n) => [n.name, n.index]))
    for (const a of allocations) {
      const index = indexOf.get(a.node)
      if (a.ownerUid !== undefined && index !== undefined) this.add(a.ownerUid, index)
    }
  }

  /** The owner's replicas by NodeState.index; valid until the next call. */
  replicasByNode(ownerUid: string | undefined): Uint32Array {
    for (const index of this.filled?.keys() ?? []) this.scratch[index] = 0
    this.filled = ownerUid === undefined ? undefined : this.counts.get(ownerUid)
    for (const [index, count] of this.filled ?? []) this.scratch[index] = count
    return this.scratch
  }

  add(ownerUid: string, nodeIndex: number): void {
    let perNode = this.counts.get(ownerUid)
    if (perNode === undefined) this.counts.set(ownerUid, (perNode = new Map()))
    perNode.set(nodeIndex, (perNode.get(nodeIndex) ?? 0) + 1)
  }
}

/** Mean free fraction of cpu and memory if the pod went here; a dimension of size 0 counts as full. */
function freeFractionAfter(pod: PodRequest, node: NodeState): number {
  const cpu = node.allocCpu > 0 ? (node.freeCpu - pod.cpuMillis) / node.allocCpu : 0
  const mem = node.allocMem > 0 ? (node.freeMem - pod.memoryBytes) / node.allocMem : 0
  return (cpu + mem) / 2
}

/**
 * Higher is better. 'spread' is Kubernetes' LeastAllocated: keep headroom everywhere. 'binpack'
 * is MostAllocated: fill nodes up so that whole nodes stay free for large pods.
 */
export function resourceScore(strategy: PlacementStrategy, pod: PodRequest, node: NodeState): number {
  const free = freeFractionAfter(pod, node)
  return strategy === 'binpack' ? 1 - free : free
}
