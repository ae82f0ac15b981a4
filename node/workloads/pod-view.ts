import type { AllocationTable } from '../allocation/allocation-table.js'
import type { MemberTable } from '../membership/member-table.js'
import type { Pod, PodPhase } from '../objects/pod.js'
import { effectivePhase } from '../controllers/index.js'

/** The phase users see for a pod (see effectivePhase), from this node's bindings and membership. */
export function phaseLookup(allocations: AllocationTable, members: MemberTable): (pod: Pod) => PodPhase {
  return (pod) => {
    const binding = allocations.get(pod.metadata.uid ?? '')
    return effectivePhase(pod, binding, binding === undefined ? undefined : (members.get(binding.nodeId)?.state ?? 'unknown'))
  }
}

/**
 * How the API shows a pod: `spec.nodeName` comes from this node's copy of the committed
 * allocation table (the only placement that counts), and the phase is overlaid with what this
 * node knows (Pending, Scheduled, Unknown) — see effectivePhase.
 */
export function podView(allocations: AllocationTable, members: MemberTable): (obj: unknown) => unknown {
  const phaseOf = phaseLookup(allocations, members)
  return (obj) => {
    const pod = obj as Pod
    const binding = allocations.get(pod.metadata.uid ?? '')
    const phase = phaseOf(pod)
    const spec = binding === undefined ? pod.spec : { ...pod.spec, nodeName: binding.nodeName }
    const status = { ...(pod.status ?? {}), phase }
    if (binding !== undefined && pod.status?.observedBy !== binding.nodeId) {
      // What another node reported about an earlier placement no longer describes this pod.
      delete status.containerStatuses
      delete status.conditions
      status.conditions = [{ type: 'PodScheduled', status: 'True' }]
    }
    return { ...pod, spec, status }
  }
}
