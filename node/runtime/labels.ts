import { createHash } from 'node:crypto'
import type { ContainerSpec } from './types.js'

export const LABEL_MANAGED = 'shoal.io/managed'
export const LABEL_POD_UID = 'shoal.io/pod-uid'
export const LABEL_POD_NAME = 'shoal.io/pod-name'
export const LABEL_NAMESPACE = 'shoal.io/namespace'
export const LABEL_CONTAINER = 'shoal.io/container'
export const LABEL_SPEC_HASH = 'shoal.io/spec-hash'
/** The agent (peer id) that created a container: agents sharing one Docker engine keep apart. */
export const LABEL_OWNER = 'shoal.io/owner'

/** The pod a container belongs to, as recovered from its labels. */
export interface ContainerIdentity {
  podUid: string
  podName: string
  namespace: string
  containerName: string
}

function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical)
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {}
    for (const key of Object.keys(value).sort()) out[key] = canonical((value as Record<string, unknown>)[key])
    return out
  }
  return value
}

/** A short, key-order independent hash of a spec, so the reconciler can spot a changed spec. */
export function specHash(spec: ContainerSpec): string {
  return createHash('sha256').update(JSON.stringify(canonical(spec))).digest('hex').slice(0, 16)
}

/** The spec's own labels with the shoal labels stamped over them (a spec cannot forge them). */
export function managedLabels(spec: ContainerSpec): Record<string, string> {
  return {
    ...(spec.labels ?? {}),
    [LABEL_MANAGED]: 'true',
    [LABEL_POD_UID]: spec.podUid,
    [LABEL_POD_NAME]: spec.podName,
    [LABEL_NAMESPACE]: spec.namespace,
    [LABEL_CONTAINER]: spec.containerName,
    [LABEL_SPEC_HASH]: specHash(spec),
  }
}

export function isManaged(labels: Record<string, string> | undefined): boolean {
  return labels?.[LABEL_MANAGED] === 'true'
}

export function identityFromLabels(labels: Record<string, string>): ContainerIdentity {
  return {
    podUid: labels[LABEL_POD_UID] ?? '',
    podName: labels[LABEL_POD_NAME] ?? '',
    namespace: labels[LABEL_NAMESPACE] ?? '',
    containerName: labels[LABEL_CONTAINER] ?? '',
  }
}

/** Kubernetes' reason for an exit code. */
export function exitReason(exitCode: number): 'Completed' | 'Error' {
  return exitCode === 0 ? 'Completed' : 'Error'
}
