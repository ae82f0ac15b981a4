import type { Filter } from './filters/filter.js'
import { dynamicHostPorts, fixedHostPorts, servicePorts } from './filters/host-ports.js'
import { nodeReady } from './filters/node-ready.js'
import { nodeSelector } from './filters/node-selector.js'
import { resourcesFit } from './filters/resources-fit.js'
import { runtimeAvailable } from './filters/runtime-available.js'
import type { NodeState } from './node-state.js'
import type { PodRequest } from './pod-request.js'

/**
 * The feasibility chain, in the order it runs: cheap checks first, so that most rejections cost a
 * field read. The order also decides which reason a node reports when several apply, and so the
 * wording of a FailedScheduling message.
 *
 * The first part depends only on what a node is and on the pod's class (see PodRequest.classKey),
 * so its verdict is computed once per class and node (eligibility.ts), as Nomad does with node
 * classes; the second part depends on what this plan has placed so far and runs for every pod.
 */
export const STATIC_FILTERS: readonly Filter[] = [
  // A node that is down or not Ready is out whatever the pod asks for.
  nodeReady,
  // The runtimes the node reported in its heartbeat.
  runtimeAvailable,
  // The node's labels.
  nodeSelector,
]

export const DYNAMIC_FILTERS: readonly Filter[] = [
  // Fixed host ports that a service listens on, then ones other pods hold, then room in the
  // range for the dynamic ones (which skip service ports).
  servicePorts,
  fixedHostPorts,
  dynamicHostPorts,
  // Cpu and memory left.
  resourcesFit,
]

export const FEASIBILITY_CHAIN: readonly Filter[] = [...STATIC_FILTERS, ...DYNAMIC_FILTERS]

/** The first reason the filters reject the node for, or undefined when it passes them all. */
export function firstRejection(filters: readonly Filter[], pod: PodRequest, node: NodeState): string | undefined {
  for (const filter of filters) {
    const reason = filter(pod, node)
    if (reason !== undefined) return reason
  }
  return undefined
}
