import { firstRejection, STATIC_FILTERS } from './feasibility.js'
import type { NodeState } from './node-state.js'
import type { PodRequest } from './pod-request.js'

/**
 * The static filters' verdict per pod class: replicas of one controller share a class, so a plan
 * of 10,000 pods runs the static filters for a few hundred classes instead of for every pod on
 * every node.
 */
export class ClassEligibility {
  private readonly byClass = new Map<string, Uint8Array>()

  constructor(private readonly nodes: readonly NodeState[]) {}

  /** Indexed by NodeState.index: 1 where the node passes the static filters. */
  eligible(pod: PodRequest): Uint8Array {
    let mask = this.byClass.get(pod.classKey)
    if (mask === undefined) {
      mask = new Uint8Array(this.nodes.length)
      for (const node of this.nodes) mask[node.index] = firstRejection(STATIC_FILTERS, pod, node) === undefined ? 1 : 0
      this.byClass.set(pod.classKey, mask)
    }
    return mask
  }
}
