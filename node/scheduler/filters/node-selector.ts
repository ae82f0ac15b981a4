import type { Filter } from './filter.js'

export const SELECTOR_MISMATCH = "node(s) didn't match node selector"

/** Every nodeSelector entry must equal the node's label of that key (Kubernetes semantics). */
export const nodeSelector: Filter = (pod, node) => {
  for (const [key, value] of pod.selector) {
    if (node.labels.get(key) !== value) return SELECTOR_MISMATCH
  }
  return undefined
}
