import type { Binding } from '../../allocation/commands.js'
import type { Container } from '../../objects/pod.js'

/** A probe names a port (`port: http`) that its container does not declare. */
export class ProbePortNotFoundError extends Error {
  override name = 'ProbePortNotFoundError'
  constructor(
    readonly container: string,
    readonly port: string,
  ) {
    super(`container ${container} has no port named "${port}"`)
  }
}

/**
 * The host port a probe connects to. Pods share the host network and a container listens on the
 * host port it was allocated, so a probe's port — a container port number or a port name — is
 * mapped through the binding. A number the container does not declare is taken as it is: a
 * fixed port the process listens on by itself.
 */
export function resolveProbePort(port: number | string, binding: Binding, container: Container): number {
  const numeric = typeof port === 'number' ? port : /^\d+$/.test(port) ? Number(port) : undefined
  const allocated = binding.ports.filter((p) => p.container === container.name)
  const declared = container.ports ?? []
  if (numeric !== undefined) {
    return allocated.find((p) => p.containerPort === numeric)?.hostPort ?? declared.find((p) => p.containerPort === numeric)?.hostPort ?? numeric
  }
  const hostPort = allocated.find((p) => p.name === port)?.hostPort ?? declared.find((p) => p.name === port)?.hostPort
  if (hostPort === undefined) throw new ProbePortNotFoundError(container.name, String(port))
  return hostPort
}
