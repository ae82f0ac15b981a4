import type { ApiObject } from '../../node/api/tables/printer.js'

export type { ApiObject }

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
