import { compareText } from './text-order.js'
import type { PendingPod } from './types.js'

/**
 * What the filters need from a pending pod, worked out once per pod rather than once per node.
 */
export interface PodRequest {
  readonly pod: PendingPod
  readonly cpuMillis: number
  readonly memoryBytes: number
  /** The runtime the node must offer; undefined means the image rule (see PendingPod.images). */
  readonly runtimeClass: string | undefined
  readonly images: boolean
  readonly selector: ReadonlyArray<readonly [string, string]>
  /** Equal for pods that the static filters treat alike: runtime class, images and selector. */
  readonly classKey: string
  /** Distinct fixed host ports. */
  readonly fixedPorts: readonly number[]
  /** The pod asks for one fixed host port twice, so no node can satisfy it. */
  readonly fixedPortClash: boolean
  /** Ports that need a host port from the range. */
  readonly dynamicPorts: number
}

export function podRequest(pod: PendingPod, defaultRuntime: string | undefined): PodRequest {
  const fixed = new Set<number>()
  let fixedPortClash = false
  let dynamicPorts = 0
  for (const p of pod.ports) {
    if (p.hostPort === undefined) {
      dynamicPorts++
    } else {
      if (fixed.has(p.hostPort)) fixedPortClash = true
      fixed.add(p.hostPort)
    }
  }
  const selector = Object.entries(pod.nodeSelector).sort(([a], [b]) => compareText(a, b))
  const runtimeClass = pod.runtimeClassName ?? defaultRuntime
  return {
    pod,
    cpuMillis: pod.requests.cpuMillis,
    memoryBytes: pod.requests.memoryBytes,
    runtimeClass,
    images: pod.images,
    selector,
    classKey: JSON.stringify([runtimeClass ?? null, pod.images, selector]),
    fixedPorts: [...fixed],
    fixedPortClash,
    dynamicPorts,
  }
}

/**
 * Oldest first, so that a burst of new pods cannot starve an old one; name, namespace and uid
 * make the order total and therefore the plan reproducible.
 */
export function comparePending(a: PendingPod, b: PendingPod): number {
  return a.createdAt - b.createdAt || compareText(a.name, b.name) || compareText(a.namespace, b.namespace) || compareText(a.uid, b.uid)
}
