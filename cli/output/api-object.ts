import type { KubeObject } from '../../crdt/index.js'

/** An API object as the CLI handles it: the store's shape, with spec and status left open. */
export type ApiObject = KubeObject<unknown, unknown>

export interface ApiList<T = ApiObject> {
  kind: string
  apiVersion: string
  metadata: { resourceVersion?: string }
  items: T[]
}

/** A change in a watch stream. */
export interface WatchEvent<T = ApiObject> {
  type: 'ADDED' | 'MODIFIED' | 'DELETED' | 'ERROR'
  object: T
}
