import type { ResourceDef } from '../../../node/api/resources/registry.js'
import { findResource, RESOURCES } from '../../../node/api/resources/registry.js'
import { collectionPath, fieldTerm, itemPath } from '../../../node/api/routes/resources/resource-paths.js'
import { CliError } from '../../client.js'

/** The resource a kind argument names: plural, singular, Kind or short name (po, svc, rc, …). */
export function resolveKind(name: string): ResourceDef {
  const def = findResource(name)
  if (def === undefined) {
    const known = RESOURCES.map((r) => [r.plural, ...r.shortNames].join('/')).join(', ')
    throw new CliError(`the server doesn't have a resource type "${name}" (known: ${known})`)
  }
  return def
}

/** `pod web` or `pod/web`: the kind and the names given after it. */
export function kindAndNames(kindArg: string, names: readonly string[]): { def: ResourceDef; names: string[] } {
  const slash = kindArg.indexOf('/')
  if (slash < 0) return { def: resolveKind(kindArg), names: [...names] }
  if (names.length > 0) throw new CliError(`there is no need to give a name after ${kindArg}`)
  return { def: resolveKind(kindArg.slice(0, slash)), names: [kindArg.slice(slash + 1)] }
}

export interface NamespaceFlags {
  namespace?: string
  allNamespaces?: boolean
}

/** The namespace a command acts in: -n, else SHOAL_NAMESPACE, else default; undefined for -A. */
export function namespaceOf(flags: NamespaceFlags): string | undefined {
  if (flags.allNamespaces === true) return undefined
  return flags.namespace ?? (process.env['SHOAL_NAMESPACE'] || 'default')
}

/** A collection URL with list query parameters (empty ones left out). */
export function listPath(def: ResourceDef, namespace: string | undefined, query: Record<string, string | undefined> = {}): string {
  const params = new URLSearchParams()
  for (const [k, v] of Object.entries(query)) if (v !== undefined && v !== '') params.set(k, v)
  const qs = params.toString()
  return collectionPath(def, namespace) + (qs === '' ? '' : `?${qs}`)
}

export { collectionPath, fieldTerm, itemPath }

/** `pod/web`, as kubectl names objects in its messages. */
export function qualifiedName(def: ResourceDef, name: string): string {
  return `${def.singular}/${name}`
}
