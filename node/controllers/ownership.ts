import type { OwnerReference, ReplicationController } from './types.js'

/** The owner reference with `controller: true`: at most one object manages a pod. */
export function controllerRef(obj: { metadata: { ownerReferences?: readonly OwnerReference[] } }): OwnerReference | undefined {
  return obj.metadata.ownerReferences?.find((o) => o.controller === true)
}

/** `spec.selector`, defaulting to the template's labels as Kubernetes does. */
export function selectorOf(rc: ReplicationController): Record<string, string> {
  return rc.spec.selector ?? rc.spec.template.metadata?.labels ?? {}
}

/**
 * Equality-based selector match. An empty selector matches nothing: the API requires one, and a
 * controller that claimed every pod in its namespace would delete other people's pods.
 */
export function matchesSelector(selector: Record<string, string>, labels: Record<string, string> | undefined): boolean {
  const keys = Object.keys(selector)
  return keys.length > 0 && keys.every((k) => labels?.[k] === selector[k])
}

export function namespaceOf(obj: { metadata: { namespace?: string } }): string {
  return obj.metadata.namespace ?? 'default'
}
