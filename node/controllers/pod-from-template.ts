import { namespaceOf } from './ownership.js'
import type { ObjectMeta, OwnerReference, Pod, PodTemplate } from './types.js'

/** Kubernetes truncates a generateName base to this, so base plus suffix stays a valid label. */
export const MAX_NAME_PREFIX = 58

/** How many suffixes to draw before giving up on a free name for this round. */
const NAME_ATTEMPTS = 8

/** A pod a controller asks the store to create: the store adds uid and creationTimestamp. */
export interface NewPod extends Pod {
  apiVersion: 'v1'
  kind: 'Pod'
  metadata: ObjectMeta & { namespace: string; labels: Record<string, string>; ownerReferences: OwnerReference[] }
}

/** An object that can be named as another's owner: it knows its own kind. */
export interface OwnerObject {
  apiVersion: string
  kind: string
  metadata: ObjectMeta
}

/** A controller that keeps replicas of a pod template: a ReplicationController or a ReplicaSet. */
export interface ReplicaOwner extends OwnerObject {
  spec: { replicas?: number; minReadySeconds?: number; template: PodTemplate }
}

export function controllerRefTo(owner: OwnerObject): OwnerReference {
  return { apiVersion: owner.apiVersion, kind: owner.kind, name: owner.metadata.name, uid: owner.metadata.uid ?? '', controller: true, blockOwnerDeletion: true }
}

/** A replica of the template: its labels and annotations, a copy of its spec, owned by `owner`. */
export function podFromTemplate(owner: ReplicaOwner, name: string): NewPod {
  const template = owner.spec.template
  const annotations = template.metadata?.annotations
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name,
      namespace: namespaceOf(owner),
      labels: { ...template.metadata?.labels },
      ...(annotations !== undefined ? { annotations: { ...annotations } } : {}),
      ownerReferences: [controllerRefTo(owner)],
    },
    // A deep copy, so a later edit of one replica's spec cannot reach the template or its siblings.
    spec: structuredClone(template.spec),
  }
}

/**
 * `<base>-<suffix>` that is not in `taken`, or undefined when NAME_ATTEMPTS suffixes all clash
 * (a tiny suffix space or a broken generator); the caller then creates fewer pods this round.
 */
export function generateName(base: string, newSuffix: () => string, taken: ReadonlySet<string>): string | undefined {
  const prefix = `${base}-`.slice(0, MAX_NAME_PREFIX)
  for (let i = 0; i < NAME_ATTEMPTS; i++) {
    const name = prefix + newSuffix()
    if (!taken.has(name)) return name
  }
  return undefined
}
