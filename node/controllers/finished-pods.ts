import type { Binding } from '../allocation/commands.js'
import { isPodTerminal } from './pod-phase.js'
import type { Pod } from './types.js'

export interface FinishedBinding<P extends Pod = Pod> {
  pod: P
  binding: Binding
}

/**
 * Committed bindings to release because their pod has finished: a Succeeded or Failed pod runs
 * nothing more, so its cpu, memory and host ports go back to the pool (Kubernetes counts only
 * non-terminated pods against a node). Only the bound node's own report counts: a status stamped
 * by another node describes an earlier placement. The pod keeps its final status, and the node
 * keeps its exited containers and logs until the pod is deleted.
 */
export function finishedBindings<P extends Pod>(pods: readonly P[], bindingOf: (podUid: string) => Binding | undefined): FinishedBinding<P>[] {
  const out: FinishedBinding<P>[] = []
  for (const pod of pods) {
    if (!isPodTerminal(pod)) continue
    const binding = bindingOf(pod.metadata.uid ?? '')
    if (binding === undefined || pod.status?.observedBy !== binding.nodeId) continue
    out.push({ pod, binding })
  }
  return out
}
