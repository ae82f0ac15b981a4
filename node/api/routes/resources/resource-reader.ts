import type { KubeObject } from '../../../../crdt/index.js'
import { ObjectFilter } from '../../../../crdt/watch/object-filter.js'
import { BadRequestError, NotFoundError } from '../../errors.js'
import type { ResourceDef } from '../../resources/registry.js'
import type { ListQuery } from './request-input.js'
import type { ComputedSource, ObjectView, StoreReader } from './object-source.js'
import type { EventStream } from './viewed-watch.js'
import { ViewedWatch } from './viewed-watch.js'

export interface ResourceReaderComponents {
  store: StoreReader
  view?: ObjectView | undefined
  computed?: ComputedSource | undefined
}

export interface ListResult {
  items: KubeObject[]
  resourceVersion: string
}

/** Kubernetes' wording: `pods "web" not found`, `namespaces "x" not found`. */
export function notFound(plural: string, name: string): NotFoundError {
  return new NotFoundError(`${plural} "${name}" not found`, { name, kind: plural })
}

/**
 * Reads of one resource, from the store or a computed source, through the resource's view. Field
 * selectors are evaluated after the view when there is one, so `spec.nodeName=n1` selects on the
 * node the view reports rather than on what happens to be stored.
 */
export class ResourceReader {
  constructor(
    private readonly def: ResourceDef,
    private readonly components: ResourceReaderComponents,
  ) {}

  /** The object as stored, without the view (the base for patches). */
  stored(namespace: string | undefined, name: string): KubeObject {
    const { computed, store } = this.components
    const obj = computed !== undefined ? computed.list(namespace).find((o) => o.metadata.name === name) : store.get(this.def.plural, namespace, name)
    if (obj === undefined) throw notFound(this.def.plural, name)
    return obj
  }

  get(namespace: string | undefined, name: string): KubeObject {
    return this.show(this.stored(namespace, name))
  }

  show(obj: KubeObject): KubeObject {
    return this.components.view === undefined ? obj : this.components.view(obj)
  }

  list(namespace: string | undefined, q: Pick<ListQuery, 'labelSelector' | 'fieldSelector'>): ListResult {
    const { computed, store, view } = this.components
    // Parse both selectors first, so a bad one is a 400 even when nothing would match.
    const all = new ObjectFilter({ ...scope(namespace), ...selectors(q) })
    if (computed !== undefined) {
      const items = computed.list(namespace).map((o) => this.show(o))
      return { items: items.filter((o) => all.matches(o)), resourceVersion: store.resourceVersion }
    }
    if (view === undefined) return store.list(this.def.plural, { ...scope(namespace), ...selectors(q) })
    const afterView = new ObjectFilter(q.fieldSelector !== undefined ? { fieldSelector: q.fieldSelector } : {})
    const listed = store.list(this.def.plural, { ...scope(namespace), ...(q.labelSelector !== undefined ? { labelSelector: q.labelSelector } : {}) })
    return { items: listed.items.map(view).filter((o) => afterView.matches(o)), resourceVersion: listed.resourceVersion }
  }

  /** Throws before anything is streamed: 400 for bad selectors or versions, 410 for a too old one. */
  watch(namespace: string | undefined, q: ListQuery): EventStream {
    const { computed, store, view } = this.components
    const options = { ...scope(namespace), ...selectors(q), ...(q.resourceVersion !== undefined ? { resourceVersion: q.resourceVersion } : {}) }
    if (computed !== undefined && computed.watch === undefined) throw new BadRequestError(`watch is not supported for ${this.def.plural}`)
    if (view === undefined) return computed?.watch?.(options) ?? store.watch(this.def.plural, options)
    const afterView = q.fieldSelector !== undefined ? new ObjectFilter({ fieldSelector: q.fieldSelector }) : undefined
    const { fieldSelector: _, ...beforeView } = options
    return new ViewedWatch(computed?.watch?.(beforeView) ?? store.watch(this.def.plural, beforeView), view, afterView)
  }
}

function scope(namespace: string | undefined): { namespace?: string } {
  return namespace !== undefined ? { namespace } : {}
}

function selectors(q: Pick<ListQuery, 'labelSelector' | 'fieldSelector'>): { labelSelector?: string; fieldSelector?: string } {
  return {
    ...(q.labelSelector !== undefined ? { labelSelector: q.labelSelector } : {}),
    ...(q.fieldSelector !== undefined ? { fieldSelector: q.fieldSelector } : {}),
  }
}
