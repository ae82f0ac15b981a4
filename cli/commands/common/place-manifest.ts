import type { ResourceDef } from '../../../node/api/resources/registry.js'
import { CliError } from '../../client.js'
import type { Manifest } from '../../manifests/parse-manifests.js'
import type { ApiObject } from '../../output/api-object.js'
import { namespaceOf, resolveKind } from './resource-target.js'

export interface PlacedManifest {
  def: ResourceDef
  namespace: string | undefined
  name: string
  /** The manifest with its namespace filled in. */
  body: ApiObject
}

/**
 * Which resource, namespace and name a manifest's object is: its own namespace, else -n, else
 * default. A manifest that names a namespace other than -n's is refused, as kubectl does.
 */
export function placeManifest(manifest: Manifest, namespaceFlag: string | undefined): PlacedManifest {
  const { object, source } = manifest
  const def = resolveKind(object.kind)
  const name = object.metadata.name
  if (typeof name !== 'string' || name === '') throw new CliError(`${source}: ${def.kind} has no metadata.name`)
  if (!def.namespaced) return { def, namespace: undefined, name, body: object }
  const own = object.metadata.namespace
  if (own !== undefined && namespaceFlag !== undefined && own !== namespaceFlag) {
    throw new CliError(`${source}: the namespace of ${def.singular}/${name} ("${own}") does not match -n ${namespaceFlag}`)
  }
  const namespace = own ?? namespaceOf({ ...(namespaceFlag !== undefined ? { namespace: namespaceFlag } : {}) })!
  return { def, namespace, name, body: { ...object, metadata: { ...object.metadata, namespace } } }
}
