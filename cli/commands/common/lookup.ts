import type { ResourceDef } from '../../../node/api/resources/registry.js'
import type { ApiClient } from '../../client.js'
import type { ApiList, ApiObject } from '../../output/api-object.js'
import { fieldTerm, itemPath, listPath } from './resource-target.js'

/**
 * The object if it exists, else undefined. Asks for the collection narrowed to the name, so
 * "absent" is an empty list rather than an error to tell apart from other errors. Nodes do not
 * take field selectors and are looked up directly.
 */
export async function findObject(client: ApiClient, def: ResourceDef, namespace: string | undefined, name: string): Promise<ApiObject | undefined> {
  if (def.plural === 'nodes') return client.get<ApiObject>(itemPath(def, namespace, name))
  const list = await client.get<ApiList>(listPath(def, namespace, { fieldSelector: fieldTerm('metadata.name', name) }))
  return list.items[0]
}
