import type { Binding } from '../allocation/commands.js'
import type { NodeState, Pod, PodPhase } from './types.js'

export function isPodReady(pod: Pod): boolean {
  return pod.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') === true
}

export function isPodTerminal(pod: Pod): boolean {
  const phase = pod.status?.phase
  return phase === 'Succeeded' || phase === 'Failed'
}

/** Counts as a live replica: not being deleted and not finished (Kubernetes' FilterActivePods). */
export function isPodActive(pod: Pod): boolean {
  return pod.metadata.deletionTimestamp === undefined && !isPodTerminal(pod)
}

/**
 * Ready for at least `minReadySeconds`, counted from the Ready condition's transition time. With a
 * minimum but no transition time the pod is not available, as in Kubernetes: the age is unknown.
 */
export function isPodAvailable(pod: Pod, minReadySeconds: number, now: number): boolean {
  if (!isPodReady(pod)) return false
  if (minReadySeconds <= 0) return true
  const ready = pod.status?.conditions?.find((c) => c.type === 'Ready')
  const since = Date.parse(ready?.lastTransitionTime ?? '')
  return Number.isFinite(since) && now - since >= minReadySeconds * 1000
}

/**
 * The phase a user sees. The stored status is written by the node that runs the pod, so it is
 * overlaid with what the caller knows better from the committed bindings and membership:
 * - no binding: 'Pending' (a finished pod keeps its final phase once its binding is released);
 * - a status stamped by another node than the bound one describes an earlier placement: 'Scheduled'
 *   (a status without `observedBy` is trusted, for writers that do not stamp it);
 * - a finished pod stays finished even when its node dies afterwards;
 * - the bound node is down, gone or unknown to membership: 'Unknown'. A suspect node is not
 *   enough, because suspicion is often a late heartbeat;
 * - the node has not reported beyond 'Pending': 'Scheduled' (shoal shows placement as a phase).
 * `nodeState` undefined means "not known to the caller": the node's report is shown as is.
 */
export function effectivePhase(pod: Pod, binding?: Pick<Binding, 'nodeId'>, nodeState?: NodeState): PodPhase {
  const phase = pod.status?.phase
  const observedBy = pod.status?.observedBy
  const terminal = phase === 'Succeeded' || phase === 'Failed'
  if (binding === undefined) return terminal ? phase : 'Pending'
  if (observedBy !== undefined && observedBy !== binding.nodeId) return 'Scheduled'
  if (terminal) return phase
  if (nodeState === 'down' || nodeState === 'left' || nodeState === 'unknown') return 'Unknown'
  return phase === undefined || phase === 'Pending' ? 'Scheduled' : phase
}
