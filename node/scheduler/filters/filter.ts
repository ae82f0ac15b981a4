import type { NodeState } from '../node-state.js'
import type { PodRequest } from '../pod-request.js'

/**
 * A feasibility check: undefined when the node can take the pod, else the reason it cannot.
 * Reasons are fixed phrases (the pod's own values aside) because failures count nodes per reason,
 * worded as the tail of "N node(s) …" in the Kubernetes FailedScheduling message.
 */
export type Filter = (pod: PodRequest, node: NodeState) => string | undefined
