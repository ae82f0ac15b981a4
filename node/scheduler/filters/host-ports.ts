import type { Filter } from './filter.js'

export const PORTS_TAKEN = "node(s) didn't have free ports for the requested pod ports"
export const NO_DYNAMIC_PORTS = 'node(s) had no free host ports'
export const SERVICE_PORT_CONFLICT = 'node(s) had a requested host port that conflicts with a service port'

/**
 * A fixed host port must not be a service port: the service proxy listens on it on every node,
 * so the pod could not bind it anywhere. Checked before fixedHostPorts for a clearer reason.
 */
export const servicePorts: Filter = (pod, node) => {
  // A plain loop: this runs for every pod and node of a plan, and most pods have no fixed port.
  for (const port of pod.fixedPorts) {
    if (node.isServicePort(port)) return SERVICE_PORT_CONFLICT
  }
  return undefined
}

/** Fixed host ports must be unused by committed allocations and by earlier placements of this plan. */
export const fixedHostPorts: Filter = (pod, node) => {
  if (pod.fixedPortClash) return PORTS_TAKEN
  for (const port of pod.fixedPorts) {
    if (node.isPortUsed(port)) return PORTS_TAKEN
  }
  return undefined
}

/**
 * Enough free ports in the node's range for the ports without a hostPort. Runs after
 * fixedHostPorts, so the pod's own fixed ports are free here; those inside the range are about to
 * be taken and do not count as available.
 */
export const dynamicHostPorts: Filter = (pod, node) => {
  if (pod.dynamicPorts === 0) return undefined
  let available = node.freeDynamicPorts()
  for (const port of pod.fixedPorts) {
    if (node.inPortRange(port)) available--
  }
  return available < pod.dynamicPorts ? NO_DYNAMIC_PORTS : undefined
}
