import { UnknownKindError } from '../errors.js'

/**
 * One kind of object in the replicated document. `name` is the plural resource name and also the
 * name of the top-level Y.Map that holds every object of the kind.
 */
export interface KindDef {
  name: string
  kind: string
  apiVersion: string
  namespaced: boolean
}

/** Adding a kind is one line here; the order is the order of events within one transaction. */
export const KINDS: readonly KindDef[] = [
  { name: 'namespaces', kind: 'Namespace', apiVersion: 'v1', namespaced: false },
  { name: 'nodes', kind: 'Node', apiVersion: 'v1', namespaced: false },
  { name: 'pods', kind: 'Pod', apiVersion: 'v1', namespaced: true },
  { name: 'services', kind: 'Service', apiVersion: 'v1', namespaced: true },
  { name: 'endpoints', kind: 'Endpoints', apiVersion: 'v1', namespaced: true },
  { name: 'replicationcontrollers', kind: 'ReplicationController', apiVersion: 'v1', namespaced: true },
  { name: 'replicasets', kind: 'ReplicaSet', apiVersion: 'apps/v1', namespaced: true },
  { name: 'deployments', kind: 'Deployment', apiVersion: 'apps/v1', namespaced: true },
  { name: 'events', kind: 'Event', apiVersion: 'v1', namespaced: true },
]

const byName = new Map(KINDS.map((k) => [k.name, k]))

export function kindDef(name: string): KindDef {
  const def = byName.get(name)
  if (def === undefined) throw new UnknownKindError(name)
  return def
}

export function isKindName(name: string): boolean {
  return byName.has(name)
}

/** Namespaced objects are keyed `namespace/name`, cluster-scoped ones by name. */
export function objectKey(def: KindDef, namespace: string | undefined, name: string): string {
  return def.namespaced ? `${namespace ?? ''}/${name}` : name
}
