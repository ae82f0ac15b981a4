import type { KubeObject, ObjectStore, WatchOptions, WatchStream } from '../../../../crdt/index.js'

/**
 * A read overlay for one kind, applied to every object the API returns (get, list, watch and the
 * replies to writes): the agent uses it to show a pod's `spec.nodeName` and effective phase from
 * the committed allocation table. It must not change name, namespace or labels.
 */
export type ObjectView = (obj: KubeObject) => KubeObject

/** Objects computed elsewhere rather than stored (endpoints): read-only through the API. */
export interface ComputedSource {
  /** The current objects, in `namespace` when given, else in every namespace. */
  list(namespace: string | undefined): KubeObject[]
  /** Change events; without it, watching the kind is refused with 400. */
  watch?(options: WatchOptions): WatchStream
}

/** The routes' view of the store, so tests and the agent can hand in the same ObjectStore. */
export type StoreReader = Pick<ObjectStore, 'get' | 'list' | 'watch' | 'resourceVersion'>
