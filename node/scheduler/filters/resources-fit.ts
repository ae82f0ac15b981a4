import type { Filter } from './filter.js'

export const INSUFFICIENT_CPU = 'insufficient cpu'
export const INSUFFICIENT_MEMORY = 'insufficient memory'

/**
 * Requests must fit allocatable minus committed allocations minus this plan's placements. A node
 * short of both reports cpu only, so that each node counts once in the failure message.
 */
export const resourcesFit: Filter = (pod, node) => {
  if (pod.cpuMillis > node.freeCpu) return INSUFFICIENT_CPU
  if (pod.memoryBytes > node.freeMem) return INSUFFICIENT_MEMORY
  return undefined
}
