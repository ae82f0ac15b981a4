import { cpuToMillis, memoryToBytes } from '../objects/quantity.js'
import type { PendingPod, PodPortRequest, ResourceAmounts } from '../scheduler/types.js'
import { controllerRef } from './ownership.js'
import type { Pod, Quantity } from './types.js'

/**
 * The node label that `spec.nodeName` pins a pod to. Every node carries it with its own name
 * (node/objects/node-object.ts), so a user's nodeName becomes an ordinary node selector and the
 * scheduler explains a miss like any other ("didn't match node selector") instead of needing a
 * filter of its own. A nodeName does not bypass the scheduler as in Kubernetes: the binding still
 * goes through Raft and still reserves ports and resources.
 */
export const HOSTNAME_LABEL = 'shoal.io/hostname'

export interface PodRequests extends ResourceAmounts {
  /** Quantities that did not parse, as "container.requests.cpu: <value>"; each counted as 0. */
  invalid: string[]
}

/**
 * Summed over the containers. Per resource, a missing request falls back to the limit, as in
 * Kubernetes. The API edge rejects malformed quantities, so one here came from a writer that
 * bypassed it; it counts as 0 rather than stopping the controller loop, and is listed in
 * `invalid` so the caller can say so in an event.
 */
export function podRequests(pod: Pod): PodRequests {
  const out: PodRequests = { cpuMillis: 0, memoryBytes: 0, invalid: [] }
  for (const c of pod.spec.containers) {
    const { requests, limits } = c.resources ?? {}
    const cpu = requests?.cpu !== undefined ? (['requests', requests.cpu] as const) : (['limits', limits?.cpu] as const)
    const memory = requests?.memory !== undefined ? (['requests', requests.memory] as const) : (['limits', limits?.memory] as const)
    out.cpuMillis += amount(cpu[1], cpuToMillis, `${c.name}.${cpu[0]}.cpu`, out.invalid)
    out.memoryBytes += amount(memory[1], memoryToBytes, `${c.name}.${memory[0]}.memory`, out.invalid)
  }
  return out
}

function amount(value: Quantity | undefined, parse: (q: Quantity) => number, field: string, invalid: string[]): number {
  if (value === undefined) return 0
  try {
    return parse(value)
  } catch {
    invalid.push(`${field}: ${JSON.stringify(value)}`)
    return 0
  }
}

/**
 * The runtime the pod needs: as given, or 'docker' when some container has an image and no
 * command, because the process runtime cannot start an image's entrypoint. Otherwise undefined
 * (the scheduler's image rule: docker where offered, else process).
 */
export function requiredRuntime(pod: Pod): string | undefined {
  if (pod.spec.runtimeClassName !== undefined) return pod.spec.runtimeClassName
  const imageOnly = pod.spec.containers.some((c) => c.image !== undefined && (c.command === undefined || c.command.length === 0))
  return imageOnly ? 'docker' : undefined
}

/**
 * A stored pod as the scheduler sees it. `images` is true when every container has an image (the
 * scheduler's contract in PendingPod): one container without an image cannot run in docker.
 */
export function toPendingPod(pod: Pod): PendingPod {
  const { cpuMillis, memoryBytes } = podRequests(pod)
  const runtime = requiredRuntime(pod)
  const owner = controllerRef(pod)
  const nodeName = pod.spec.nodeName
  return {
    uid: pod.metadata.uid ?? '',
    namespace: pod.metadata.namespace ?? 'default',
    name: pod.metadata.name,
    ...(owner !== undefined ? { ownerUid: owner.uid } : {}),
    createdAt: Date.parse(pod.metadata.creationTimestamp ?? '') || 0,
    ...(runtime !== undefined ? { runtimeClassName: runtime } : {}),
    images: pod.spec.containers.every((c) => c.image !== undefined),
    nodeSelector: { ...pod.spec.nodeSelector, ...(nodeName !== undefined && nodeName !== '' ? { [HOSTNAME_LABEL]: nodeName } : {}) },
    requests: { cpuMillis, memoryBytes },
    ports: podPorts(pod),
  }
}

/** Every container's ports in spec order; a port without hostPort asks for a dynamic one. */
function podPorts(pod: Pod): PodPortRequest[] {
  return pod.spec.containers.flatMap((c) =>
    (c.ports ?? []).map((p) => ({
      container: c.name,
      ...(p.name !== undefined ? { name: p.name } : {}),
      containerPort: p.containerPort,
      ...(p.hostPort !== undefined ? { hostPort: p.hostPort } : {}),
    })),
  )
}
