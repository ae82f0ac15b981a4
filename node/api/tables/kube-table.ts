import { findResource } from '../resources/registry.js'
import type { ApiObject, Printer } from './printer.js'
import { printerFor } from './printers.js'

/**
 * Server-side printing, as the Kubernetes API server does it: a client that asks for
 * `application/json;as=Table;g=meta.k8s.io` (kubectl does for `get`) receives rows of cells
 * instead of objects, so kubectl shows the same columns as `shoal get`.
 */

export type IncludeObject = 'None' | 'Metadata' | 'Object'

export interface TableColumn {
  name: string
  type: 'string'
  format: string
  description: string
  priority: number
}

export interface TableRow {
  cells: string[]
  object?: unknown
}

export interface KubeTable {
  kind: 'Table'
  apiVersion: 'meta.k8s.io/v1'
  metadata: { resourceVersion?: string }
  columnDefinitions: TableColumn[]
  rows: TableRow[]
}

/** Whether an Accept header asks for a Table (any of its media ranges). */
export function wantsTable(accept: string | undefined): boolean {
  if (accept === undefined) return false
  return accept.split(',').some((range) => {
    const params = range.split(';').slice(1).map((p) => p.trim().replace(/\s+/g, ''))
    return params.includes('as=Table') && params.includes('g=meta.k8s.io')
  })
}

/** `?includeObject=` as Kubernetes reads it; Metadata is its default for tables. */
export function includeObjectOf(value: unknown): IncludeObject {
  return value === 'None' || value === 'Object' ? value : 'Metadata'
}

/** What a request asks of tables: undefined when it wants plain objects. */
export function tableRequest(req: { headers: { accept?: string | undefined }; query: unknown }): { include: IncludeObject } | undefined {
  if (!wantsTable(req.headers.accept)) return undefined
  return { include: includeObjectOf((req.query as Record<string, unknown> | undefined)?.['includeObject']) }
}

/** How each watched object of `plural` is sent when the request asked for tables: a one-row Table. */
export function tablePresenter(req: { headers: { accept?: string | undefined }; query: unknown }, plural: string): { present?: (object: unknown) => unknown } {
  const table = tableRequest(req)
  if (table === undefined) return {}
  return { present: (object) => toTable(plural, [object as ApiObject], { now: Date.now(), include: table.include }) }
}

function columns(printer: Printer<ApiObject>): TableColumn[] {
  const column = (name: string, index: number, priority: number): TableColumn => ({
    name,
    type: 'string',
    // kubectl finds the object's name by this format (for --show-kind and -o name).
    format: priority === 0 && index === 0 && name === 'NAME' ? 'name' : '',
    description: '',
    priority,
  })
  return [...printer.headers.map((h, i) => column(h, i, 0)), ...(printer.wideHeaders ?? []).map((h, i) => column(h, i, 1))]
}

function rowObject(obj: ApiObject, include: IncludeObject): unknown {
  if (include === 'None') return undefined
  if (include === 'Object') return obj
  return { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: obj.metadata }
}

export function toTable(plural: string, items: readonly ApiObject[], options: { now: number; include: IncludeObject; resourceVersion?: string }): KubeTable {
  const printer = printerFor(plural)
  return {
    kind: 'Table',
    apiVersion: 'meta.k8s.io/v1',
    metadata: options.resourceVersion !== undefined ? { resourceVersion: options.resourceVersion } : {},
    columnDefinitions: columns(printer),
    rows: items.map((item) => {
      const object = rowObject(item, options.include)
      const cells = [...printer.row(item, options.now), ...(printer.wideRow?.(item, options.now) ?? [])]
      return object === undefined ? { cells } : { cells, object }
    }),
  }
}

interface ListShape {
  kind: string
  metadata?: { resourceVersion?: string }
  items: ApiObject[]
}

function isList(payload: object): payload is ListShape {
  return 'kind' in payload && typeof payload.kind === 'string' && payload.kind.endsWith('List') && 'items' in payload && Array.isArray(payload.items)
}

/**
 * A response payload as a Table when it is a list or an object of a known kind; anything else
 * (a Status, a Scale, a cluster view) is returned unchanged, as Kubernetes serves it as JSON.
 */
export function payloadAsTable(payload: unknown, options: { now: number; include: IncludeObject }): unknown {
  if (typeof payload !== 'object' || payload === null) return payload
  if (isList(payload)) {
    const def = findResource(payload.kind.slice(0, -'List'.length))
    if (def === undefined) return payload
    const rv = payload.metadata?.resourceVersion
    return toTable(def.plural, payload.items, { ...options, ...(rv !== undefined ? { resourceVersion: rv } : {}) })
  }
  const obj = payload as Partial<ApiObject>
  if (typeof obj.kind !== 'string' || obj.metadata === undefined) return payload
  const def = findResource(obj.kind)
  if (def === undefined || def.kind !== obj.kind) return payload
  return toTable(def.plural, [obj as ApiObject], { ...options, ...(obj.metadata.resourceVersion !== undefined ? { resourceVersion: obj.metadata.resourceVersion } : {}) })
}
