import { FEASIBILITY_CHAIN, firstRejection } from './feasibility.js'
import type { NodeState } from './node-state.js'
import type { PodRequest } from './pod-request.js'
import { compareText } from './text-order.js'
import type { FitFailure } from './types.js'

/**
 * Why no node could take the pod, counted per reason. Only run for pods that failed, so the hot
 * path never pays for counting.
 */
export function explainFailure(pod: PodRequest, nodes: readonly NodeState[]): FitFailure {
  const reasons: Record<string, number> = {}
  for (const node of nodes) {
    const reason = firstRejection(FEASIBILITY_CHAIN, pod, node)
    // Unreachable while the chain is deterministic; kept so that a bug shows up in the message.
    const key = reason ?? 'node(s) were feasible but not chosen'
    reasons[key] = (reasons[key] ?? 0) + 1
  }
  return { podUid: pod.pod.uid, message: fitFailureMessage(nodes.length, reasons), reasons }
}

/**
 * "0/3 nodes are available: 2 insufficient memory, 1 node(s) didn't match node selector." The
 * largest group comes first (it is usually what to fix), ties in code-unit order of the reason.
 */
export function fitFailureMessage(nodeCount: number, reasons: Readonly<Record<string, number>>): string {
  const parts = Object.entries(reasons)
    .sort(([ra, ca], [rb, cb]) => cb - ca || compareText(ra, rb))
    .map(([reason, count]) => `${count} ${reason}`)
  return parts.length === 0 ? `0/${nodeCount} nodes are available.` : `0/${nodeCount} nodes are available: ${parts.join(', ')}.`
}
