import type { ResourceDef } from '../resources/registry.js'
import type { RouteModule } from '../router.js'
import { mount } from '../router.js'

function verbs(r: ResourceDef): string[] {
  return r.readOnly === true ? ['get', 'list', 'watch'] : ['create', 'delete', 'get', 'list', 'patch', 'update', 'watch']
}

function resourceList(groupVersion: string, defs: ResourceDef[]): unknown {
  const resources = defs.flatMap((r) => [
    { name: r.plural, singularName: r.singular, namespaced: r.namespaced, kind: r.kind, verbs: verbs(r), shortNames: r.shortNames },
    ...(r.subresources ?? []).map((sub) => ({
      name: `${r.plural}/${sub}`,
      singularName: '',
      namespaced: r.namespaced,
      // Scale is autoscaling/v1 whatever the parent's group; clients (kubectl scale) read it here.
      ...(sub === 'scale' ? { group: 'autoscaling', version: 'v1', kind: 'Scale' } : { kind: r.kind }),
      verbs: sub === 'log' ? ['get'] : ['get', 'patch', 'update'],
    })),
  ])
  return { kind: 'APIResourceList', apiVersion: 'v1', groupVersion, resources }
}

/**
 * Kubernetes API discovery (legacy, non-aggregated form), so kubectl and client libraries can
 * find shoal's resources and their short names.
 */
export function discoveryRoutes(components: { resources: ResourceDef[] }): RouteModule {
  const core = components.resources.filter((r) => r.group === '')
  const groups = new Map<string, ResourceDef[]>()
  for (const r of components.resources) {
    if (r.group === '') continue
    const gv = `${r.group}/${r.version}`
    groups.set(gv, [...(groups.get(gv) ?? []), r])
  }
  return {
    register(app) {
      mount(app, '/api', {
        GET: async (req) => ({
          kind: 'APIVersions',
          versions: ['v1'],
          serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress: req.host }],
        }),
      })
      mount(app, '/api/v1', { GET: async () => resourceList('v1', core) })
      mount(app, '/apis', {
        GET: async () => ({
          kind: 'APIGroupList',
          apiVersion: 'v1',
          groups: [...groups.keys()].map((gv) => {
            const [name, version] = gv.split('/') as [string, string]
            return { name, versions: [{ groupVersion: gv, version }], preferredVersion: { groupVersion: gv, version } }
          }),
        }),
      })
      for (const [gv, defs] of groups) mount(app, `/apis/${gv}`, { GET: async () => resourceList(gv, defs) })
    },
  }
}
