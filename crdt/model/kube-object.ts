import type { JsonValue } from './json.js'

export type OwnerReference = {
  apiVersion: string
  kind: string
  name: string
  uid: string
  controller?: boolean
  blockOwnerDeletion?: boolean
}

export interface ObjectMeta {
  name: string
  namespace?: string
  generateName?: string
  uid?: string
  /** Never stored in the document: this node's version of the object, attached on read. */
  resourceVersion?: string
  generation?: number
  creationTimestamp?: string
  deletionTimestamp?: string
  labels?: Record<string, string>
  annotations?: Record<string, string>
  ownerReferences?: OwnerReference[]
  [field: string]: unknown
}

/**
 * A Kubernetes-shaped object as plain JSON. `Spec` and `Status` let callers name the shape they
 * expect; the store does not check it (the API edge validates).
 */
export interface KubeObject<Spec = JsonValue, Status = JsonValue> {
  apiVersion: string
  kind: string
  metadata: ObjectMeta
  spec?: Spec
  status?: Status
  /** Kinds without a spec keep their data in other top-level fields (Event, Endpoints). */
  [field: string]: unknown
}

/** Set by the store from its own state; whatever a caller passes for these is ignored. */
export const SYSTEM_META_FIELDS = ['name', 'namespace', 'uid', 'resourceVersion', 'generation', 'creationTimestamp', 'deletionTimestamp'] as const

/** Metadata fields held as nested Y.Maps so that concurrent edits of different keys merge. */
export const MAP_META_FIELDS = ['labels', 'annotations'] as const
