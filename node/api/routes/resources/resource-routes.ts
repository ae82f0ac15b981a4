import type { KubeObject, ObjectStore } from '../../../../crdt/index.js'
import type { ResourceDef } from '../../resources/registry.js'
import { RESOURCES } from '../../resources/registry.js'
import type { RouteModule } from '../../router.js'
import { mount } from '../../router.js'
import { OpenWatches } from '../watch-response.js'
import type { ComputedSource, ObjectView } from './object-source.js'
import { collectionHandlers, itemHandlers } from './resource-handlers.js'
import type { ResourceParts } from './resource-handlers.js'
import { collectionPath, itemPath, raw } from './resource-paths.js'
import { ResourceReader } from './resource-reader.js'
import { ResourceWriter } from './resource-writer.js'
import { scaleHandlers, statusHandlers } from './subresource-handlers.js'

export interface ResourceRoutesComponents {
  store: ObjectStore
  /** What to serve; by default every registered resource but nodes, which membership serves. */
  resources?: readonly ResourceDef[]
  /** Read overlays by plural name (see ObjectView). */
  views?: Partial<Record<string, ObjectView>>
  /** Read-only kinds computed elsewhere, by plural name; others are read from the store. */
  computed?: Partial<Record<string, ComputedSource>>
}

export interface ResourceRoutes extends RouteModule {
  /** Watches being streamed right now (for tests and metrics). */
  readonly openWatches: number
}

/** Namespaces have no lifecycle in shoal: every one that exists is Active. */
const BUILT_IN_VIEWS: Partial<Record<string, ObjectView>> = {
  namespaces: (ns) => ({ ...ns, status: { phase: 'Active', ...(ns.status as Record<string, unknown> | undefined) } }) as KubeObject,
}

function viewFor(plural: string, views: Partial<Record<string, ObjectView>>): ObjectView | undefined {
  const builtIn = BUILT_IN_VIEWS[plural]
  const given = views[plural]
  if (builtIn === undefined || given === undefined) return given ?? builtIn
  return (obj) => given(builtIn(obj))
}

/**
 * The Kubernetes resource API for every kind in the registry, from one implementation: list,
 * watch, create, get, replace, merge patch and delete, in one namespace or across all, plus the
 * `scale` and `status` subresources. Pods' `log` is served elsewhere (it needs the runtimes).
 */
export function resourceRoutes(components: ResourceRoutesComponents): ResourceRoutes {
  const watches = new OpenWatches()
  const resources = components.resources ?? RESOURCES.filter((r) => r.plural !== 'nodes')
  return {
    get openWatches() {
      return watches.size
    },
    register(app) {
      app.addHook('preClose', async () => watches.closeAll())
      for (const def of resources) {
        const reader = new ResourceReader(def, {
          store: components.store,
          view: viewFor(def.plural, components.views ?? {}),
          computed: components.computed?.[def.plural],
        })
        const parts: ResourceParts = { def, reader, writer: new ResourceWriter(def, components.store, reader), watches }
        const ns = def.namespaced ? ':namespace' : undefined
        mount(app, collectionPath(def, undefined), collectionHandlers(parts, def.namespaced))
        if (def.namespaced) mount(app, collectionPath(def, ns, raw), collectionHandlers(parts, false))
        mount(app, itemPath(def, ns, ':name', undefined, raw), itemHandlers(parts))
        if (def.readOnly === true) continue
        if (def.subresources?.includes('scale')) mount(app, itemPath(def, ns, ':name', 'scale', raw), scaleHandlers(parts))
        if (def.subresources?.includes('status')) mount(app, itemPath(def, ns, ':name', 'status', raw), statusHandlers(parts))
      }
    },
  }
}
