import type { NodeState } from '../node-state.js'
import type { PodRequest } from '../pod-request.js'
import type { Filter } from './filter.js'

/**
 * The runtime this node would run the pod with, or undefined when it has none that fits.
 * An explicit runtime class must be offered as is. Otherwise a pod whose containers all have
 * images prefers docker and falls back to the process runtime (which treats the image as
 * optional); a pod without images can only run as processes.
 */
export function resolveRuntime(pod: PodRequest, node: NodeState): string | undefined {
  if (pod.runtimeClass !== undefined) return node.runtimes.has(pod.runtimeClass) ? pod.runtimeClass : undefined
  if (pod.images && node.runtimes.has('docker')) return 'docker'
  return node.runtimes.has('process') ? 'process' : undefined
}

function wanted(pod: PodRequest): string {
  if (pod.runtimeClass !== undefined) return pod.runtimeClass
  return pod.images ? 'docker or process' : 'process'
}

export const runtimeAvailable: Filter = (pod, node) =>
  resolveRuntime(pod, node) === undefined ? `node(s) didn't have runtime ${wanted(pod)}` : undefined
