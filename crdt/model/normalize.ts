import { InvalidObjectError } from '../errors.js'
import type { KindDef } from './kinds.js'
import type { JsonObject, JsonValue } from './json.js'
import { cloneJson, isJsonObject, setOwn } from './json.js'
import type { KubeObject } from './kube-object.js'
import { MAP_META_FIELDS, SYSTEM_META_FIELDS } from './kube-object.js'

/** The metadata the store owns; callers cannot set these through create, replace or patch. */
export interface SystemMeta {
  name: string
  namespace?: string
  uid: string
  creationTimestamp: string
  generation: number
  deletionTimestamp?: string
}

export function asJsonObject(value: unknown, field: string): JsonObject {
  const json = cloneJson(value, field)
  if (!isJsonObject(json)) throw new InvalidObjectError('must be an object', field === '' ? 'object' : field)
  return json
}

function stringMap(value: JsonValue | undefined, field: string): Record<string, string> | undefined {
  if (value === undefined || value === null) return undefined
  if (!isJsonObject(value)) throw new InvalidObjectError('must be a map of strings', field)
  for (const [k, v] of Object.entries(value)) {
    if (typeof v !== 'string') throw new InvalidObjectError('must be a string', `${field}.${k}`)
  }
  return Object.keys(value).length > 0 ? (value as Record<string, string>) : undefined
}

/**
 * The object exactly as the store will hold it: a JSON copy of `input` with apiVersion and kind
 * from the registry, the system metadata from `system`, no resourceVersion, and `status` replaced
 * by `status` (the current one on replace and patch, since status has its own writer).
 */
export function normalizeObject(def: KindDef, input: unknown, system: SystemMeta, status: JsonValue | undefined): KubeObject {
  const obj = asJsonObject(input, '')
  const inputMeta = obj['metadata'] === undefined ? {} : asJsonObject(obj['metadata'], 'metadata')
  const metadata: JsonObject = {}
  for (const [key, value] of Object.entries(inputMeta)) {
    if ((SYSTEM_META_FIELDS as readonly string[]).includes(key)) continue
    if ((MAP_META_FIELDS as readonly string[]).includes(key)) {
      const map = stringMap(value, `metadata.${key}`)
      if (map !== undefined) metadata[key] = map
    } else {
      setOwn(metadata, key, value)
    }
  }
  for (const [key, value] of Object.entries(system)) {
    if (value !== undefined) metadata[key] = value as JsonValue
  }
  const out: JsonObject = { apiVersion: def.apiVersion, kind: def.kind, metadata }
  for (const [key, value] of Object.entries(obj)) {
    if (key !== 'apiVersion' && key !== 'kind' && key !== 'metadata' && key !== 'status') setOwn(out, key, value)
  }
  if (status !== undefined) out['status'] = status
  return out as unknown as KubeObject
}

/** The system metadata an existing object keeps through replace, patch and status writes. */
export function systemMetaOf(current: KubeObject): SystemMeta {
  const m = current.metadata
  const system: SystemMeta = { name: m.name, uid: m.uid ?? '', creationTimestamp: m.creationTimestamp ?? '', generation: m.generation ?? 1 }
  if (m.namespace !== undefined) system.namespace = m.namespace
  if (m.deletionTimestamp !== undefined) system.deletionTimestamp = m.deletionTimestamp
  return system
}

/** Kubernetes timestamps: RFC 3339 in UTC, whole seconds. */
export const rfc3339 = (d: Date): string => d.toISOString().replace(/\.\d{3}Z$/, 'Z')

const SUFFIX_ALPHABET = 'bcdfghjklmnpqrstvwxz2456789'

/** `prefix` plus five random characters (Kubernetes' alphabet, no vowels), not yet `taken`. */
export function generateName(prefix: string, random: () => number, taken: (name: string) => boolean): string {
  for (;;) {
    let name = prefix
    for (let i = 0; i < 5; i++) name += SUFFIX_ALPHABET[Math.floor(random() * SUFFIX_ALPHABET.length)]
    if (!taken(name)) return name
  }
}
