import type { AllocatedPort, ContainerPort, Pod, ServicePort } from './service-types.js'

/** The port a service port forwards to: `targetPort` when set, else the service port itself. */
export function targetPortOf(port: ServicePort): number | string {
  return port.targetPort ?? port.port
}

function matches(target: number | string, port: ContainerPort | AllocatedPort): boolean {
  return typeof target === 'number' ? port.containerPort === target : port.name === target
}

/**
 * The host port on which `pod` serves `target` (a container port number or name), or undefined
 * when the pod does not expose it. Pods use the host network, so the address is the pod's host
 * port: the one the scheduler allocated, or the fixed `hostPort` the spec asked for.
 * Containers are searched in spec order, so two containers exposing the same port resolve the
 * same way on every node.
 */
export function resolveHostPort(pod: Pod, target: number | string): number | undefined {
  const allocated = pod.status?.allocatedPorts ?? []
  for (const container of pod.spec.containers) {
    for (const port of container.ports ?? []) {
      if (!matches(target, port)) continue
      const given = allocated.find((a) => a.container === container.name && a.containerPort === port.containerPort)
      const hostPort = given?.hostPort ?? port.hostPort
      if (hostPort !== undefined) return hostPort
    }
  }
  // A status may list allocations the spec does not name (e.g. a spec written before the port got
  // its name); the allocation is what the process listens on, so it still counts.
  return allocated.find((a) => matches(target, a))?.hostPort
}
