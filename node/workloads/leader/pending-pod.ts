import type { PendingPod } from '../../scheduler/types.js'
import type { Pod } from '../../objects/pod.js'
import { cpuToMillis, memoryToBytes } from '../../objects/quantity.js'

/** `spec.nodeName` set by the user pins the pod: expressed as a selector on this label. */
export const HOSTNAME_LABEL = 'shoal.io/hostname'

function quantity(value: string | number | undefined, parse: (q: string | number) => number): number {
  if (value === undefined) return 0
  try {
    return parse(value)
  } catch {
    // Rejected at the API edge already; a bad value here counts as nothing rather than crashing the loop.
    return 0
  }
}

/**
 * A pod as the scheduler sees it: summed requests (limits stand in for missing requests, as in
 * Kubernetes), ports, selector, runtime. A pod with images but no commands can only run in Docker.
 */
export function pendingPodOf(pod: Pod): PendingPod {
  const containers = pod.spec.containers
  let cpu = 0
  let memory = 0
  for (const c of containers) {
    const req = c.resources?.requests
    const lim = c.resources?.limits
    cpu += quantity(req?.cpu ?? lim?.cpu, cpuToMillis)
    memory += quantity(req?.memory ?? lim?.memory, memoryToBytes)
  }
  const images = containers.some((c) => c.image !== undefined)
  const needsDocker = containers.some((c) => c.image !== undefined && (c.command === undefined || c.command.length === 0))
  const runtime = pod.spec.runtimeClassName ?? (needsDocker ? 'docker' : undefined)
  const owner = pod.metadata.ownerReferences?.find((o) => o.controller === true)
  return {
    uid: pod.metadata.uid ?? '',
    namespace: pod.metadata.namespace ?? 'default',
    name: pod.metadata.name,
    ...(owner !== undefined ? { ownerUid: owner.uid } : {}),
    createdAt: Date.parse(pod.metadata.creationTimestamp ?? '') || 0,
    ...(runtime !== undefined ? { runtimeClassName: runtime } : {}),
    images,
    nodeSelector: { ...(pod.spec.nodeSelector ?? {}), ...(pod.spec.nodeName !== undefined ? { [HOSTNAME_LABEL]: pod.spec.nodeName } : {}) },
    requests: { cpuMillis: cpu, memoryBytes: memory },
    ports: containers.flatMap((c) =>
      (c.ports ?? []).map((p) => ({
        container: c.name,
        ...(p.name !== undefined ? { name: p.name } : {}),
        containerPort: p.containerPort,
        ...(p.hostPort !== undefined ? { hostPort: p.hostPort } : {}),
      })),
    ),
  }
}
