import { createHash } from 'node:crypto'
import { SHOAL_VERSION } from '../../objects/node-object.js'
import type { ResourceDef } from '../resources/registry.js'
import type { RouteModule } from '../router.js'
import { mount } from '../router.js'

/**
 * Just enough OpenAPI v3 for kubectl: it reads the PATCH operations to learn that shoal takes
 * the `fieldValidation` parameter, and then validates on the server (shoal's own schemas, with
 * unknown fields reported) instead of downloading schemas to validate with itself. Strategic
 * merge patches are computed by kubectl from its built-in types.
 */

function groupPath(def: ResourceDef): string {
  return def.group === '' ? `api/${def.version}` : `apis/${def.group}/${def.version}`
}

function itemPath(def: ResourceDef): string {
  return `/${groupPath(def)}/${def.namespaced ? 'namespaces/{namespace}/' : ''}${def.plural}/{name}`
}

function groupDocument(defs: readonly ResourceDef[]): unknown {
  const paths: Record<string, unknown> = {}
  for (const def of defs) {
    if (def.readOnly === true) continue
    const [group, version] = [def.group, def.version]
    paths[itemPath(def)] = {
      patch: {
        operationId: `patch${def.kind}`,
        'x-kubernetes-action': 'patch',
        'x-kubernetes-group-version-kind': { group, version, kind: def.kind },
        parameters: [
          { name: 'fieldValidation', in: 'query', description: 'Strict, Warn (default) or Ignore: what to do with fields shoal does not know', schema: { type: 'string' } },
        ],
        responses: { '200': { description: 'OK' } },
      },
    }
  }
  return { openapi: '3.0.0', info: { title: 'shoal', version: `v${SHOAL_VERSION}` }, paths, components: { schemas: {} } }
}

export function openApiRoutes(components: { resources: ResourceDef[] }): RouteModule {
  const groups = new Map<string, ResourceDef[]>()
  for (const def of components.resources) groups.set(groupPath(def), [...(groups.get(groupPath(def)) ?? []), def])
  const documents = new Map([...groups].map(([path, defs]) => [path, groupDocument(defs)]))
  const hash = (doc: unknown): string => createHash('sha256').update(JSON.stringify(doc)).digest('hex').slice(0, 16).toUpperCase()
  // The documents never change while the agent runs, and kubectl reads the root on every write.
  const root = { paths: Object.fromEntries([...documents].map(([path, doc]) => [path, { serverRelativeURL: `/openapi/v3/${path}?hash=${hash(doc)}` }])) }
  return {
    register(app) {
      mount(app, '/openapi/v3', {
        GET: async () => root,
      })
      for (const [path, doc] of documents) mount(app, `/openapi/v3/${path}`, { GET: async () => doc })
    },
  }
}
