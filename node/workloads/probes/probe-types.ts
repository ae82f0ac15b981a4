import type { Binding } from '../../allocation/commands.js'
import type { Container } from '../../objects/pod.js'
import type { ContainerRuntime } from '../../runtime/types.js'

/** The three probes of a container, in the words of Kubernetes' pod spec (`<kind>Probe`). */
export type ProbeKind = 'liveness' | 'readiness' | 'startup'

/** One probe run. `message` says why it failed, as users read it in an `Unhealthy` event. */
export interface ProbeResult {
  ok: boolean
  message: string
}

/** Everything a handler needs to find the container it probes. */
export interface ProbeTarget {
  /** The pod's committed binding: its ports carry the host port each container port got. */
  binding: Binding
  /** The container's spec (for ports that have a fixed `hostPort` but no allocation). */
  container: Container
  /** The runtime's id of the running container instance (exec runs in it). */
  containerId: string
  runtime: ContainerRuntime
  /** Where httpGet and tcpSocket connect when the probe names no host: this node's IP. */
  defaultHost: string
}

export function success(message = ''): ProbeResult {
  return { ok: true, message }
}

export function failure(message: string): ProbeResult {
  return { ok: false, message }
}

/** "Liveness" for 'liveness': the prefix of event messages such as "Liveness probe failed: ...". */
export function probeLabel(kind: ProbeKind): string {
  return kind.charAt(0).toUpperCase() + kind.slice(1)
}
