import type { Filter } from './filter.js'

export const NOT_READY = 'node(s) were not ready'

/** Down, suspect or not-Ready nodes take no new pods; their bindings are the controllers' business. */
export const nodeReady: Filter = (_pod, node) => (node.ready ? undefined : NOT_READY)
