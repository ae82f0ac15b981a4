import type { Binding } from '../allocation/commands.js'
import type { MemberState } from '../membership/member-table.js'
import type { Pod, PodPhase } from '../objects/pod.js'

export function isPodReady(pod: Pod): boolean {
  return pod.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') === true
}

/** Counted as a live replica: not being deleted and not finished. */
export function isPodActive(pod: Pod): boolean {
  const phase = pod.status?.phase
  return pod.metadata.deletionTimestamp === undefined && phase !== 'Succeeded' && phase !== 'Failed'
}

/**
 * The phase a user sees. The stored status is written by the node that runs the pod, so it is
 * overlaid with what this node knows better: no committed binding → Pending; bound but its node
 * has not reported this binding yet → Scheduled; its node is down → Unknown.
 */
export function effectivePhase(pod: Pod, binding: Binding | undefined, nodeState: MemberState | undefined): PodPhase {
  const phase = pod.status?.phase
  if (phase === 'Succeeded' || phase === 'Failed') return phase
  if (binding === undefined) return 'Pending'
  if (nodeState === 'down' || nodeState === 'left' || nodeState === undefined) return 'Unknown'
  if (pod.status?.observedBy !== binding.nodeId) return 'Scheduled'
  return phase ?? 'Scheduled'
}
