import type { ResourceDef } from '../../resources/registry.js'

type Encode = (segment: string) => string

/** `/api/v1` for the core group, `/apis/GROUP/VERSION` for the others (apps/v1 deployments). */
export function apiPrefix(def: ResourceDef): string {
  return def.group === '' ? `/api/${def.version}` : `/apis/${def.group}/${def.version}`
}

/**
 * A resource's collection URL: in one namespace for namespaced kinds, across all namespaces when
 * `namespace` is undefined. Route patterns pass `:namespace` with `raw` so it is not escaped.
 */
export function collectionPath(def: ResourceDef, namespace: string | undefined, encode: Encode = encodeURIComponent): string {
  const scope = def.namespaced && namespace !== undefined ? `/namespaces/${encode(namespace)}` : ''
  return `${apiPrefix(def)}${scope}/${def.plural}`
}

/** One object's URL, optionally a subresource of it (`scale`, `status`, `log`). */
export function itemPath(def: ResourceDef, namespace: string | undefined, name: string, subresource?: string, encode: Encode = encodeURIComponent): string {
  const base = `${collectionPath(def, def.namespaced ? (namespace ?? 'default') : undefined, encode)}/${encode(name)}`
  return subresource === undefined ? base : `${base}/${subresource}`
}

/** Identity encoder for fastify route patterns (`:namespace`, `:name`). */
export const raw: Encode = (segment) => segment

/** One `field=value` field-selector term, with the value escaped (`\,`, `\=`, `\\`). */
export function fieldTerm(field: string, value: string): string {
  return `${field}=${value.replace(/[\\,=]/g, (c) => `\\${c}`)}`
}

/** A field selector narrowed to one object by name (a watch of `…/NAME`). */
export function withNameTerm(name: string, fieldSelector: string | undefined): string {
  const byName = fieldTerm('metadata.name', name)
  return fieldSelector !== undefined && fieldSelector !== '' ? `${byName},${fieldSelector}` : byName
}
