import * as Y from 'yjs'
import type { JsonObject, JsonValue } from './json.js'
import { cloneJson, deepEqual } from './json.js'
import type { KubeObject, ObjectMeta } from './kube-object.js'
import { MAP_META_FIELDS } from './kube-object.js'

/**
 * The layout of one object in the document: a Y.Map with `apiVersion`, `kind`, `spec`, `status`
 * and any other top-level field as plain JSON values (last writer wins per field), and `metadata`
 * as a nested Y.Map whose `labels` and `annotations` are Y.Maps of strings (merged per key).
 * `resourceVersion` is never stored. Writers touch only values that differ, so a replace that
 * changes one field does not clobber a concurrent write of another on a different node.
 */
export type ObjectMap = Y.Map<unknown>

const META_ORDER = ['name', 'namespace', 'generateName', 'uid', 'resourceVersion', 'generation', 'creationTimestamp', 'deletionTimestamp']
const isMapField = (k: string): boolean => (MAP_META_FIELDS as readonly string[]).includes(k)

/** A stored value as JSON, or undefined when a (faulty or hostile) peer stored something else. */
function readPlain(value: unknown): JsonValue | undefined {
  if (value === undefined) return undefined
  try {
    return cloneJson(value instanceof Y.AbstractType ? value.toJSON() : value)
  } catch {
    return undefined
  }
}

function readStringMap(value: unknown): Record<string, string> | undefined {
  if (!(value instanceof Y.Map)) return undefined
  const out: Record<string, string> = {}
  for (const key of [...value.keys()].sort()) {
    const v: unknown = value.get(key)
    if (typeof v === 'string') out[key] = v
  }
  return Object.keys(out).length > 0 ? out : undefined
}

function orderedKeys(keys: Iterable<string>, first: readonly string[], last: readonly string[] = []): string[] {
  const all = new Set(keys)
  const head = first.filter((k) => all.has(k))
  const tail = last.filter((k) => all.has(k))
  const rest = [...all].filter((k) => !first.includes(k) && !last.includes(k)).sort()
  return [...head, ...rest, ...tail]
}

function readMetadata(meta: Y.Map<unknown>, resourceVersion: string | undefined): ObjectMeta {
  const keys = [...meta.keys()]
  if (resourceVersion !== undefined) keys.push('resourceVersion')
  const out: Record<string, unknown> = {}
  for (const key of orderedKeys(keys, META_ORDER, MAP_META_FIELDS)) {
    const value = key === 'resourceVersion' ? resourceVersion : isMapField(key) ? readStringMap(meta.get(key)) : readPlain(meta.get(key))
    if (value !== undefined) out[key] = value
  }
  if (typeof out['name'] !== 'string') out['name'] = ''
  return out as ObjectMeta
}

/**
 * The object as plain JSON with a deterministic key order (fixed order for the well-known fields,
 * sorted otherwise; spec and status keep the order they were written in, which every replica
 * shares). Returns undefined for anything that is not an object map.
 */
export function readObject(value: unknown, resourceVersion?: string): KubeObject | undefined {
  if (!(value instanceof Y.Map)) return undefined
  const meta: unknown = value.get('metadata')
  if (!(meta instanceof Y.Map)) return undefined
  const out: Record<string, unknown> = {}
  for (const key of orderedKeys(value.keys(), ['apiVersion', 'kind', 'metadata'], ['spec', 'status'])) {
    const v = key === 'metadata' ? readMetadata(meta, resourceVersion) : readPlain(value.get(key))
    if (v !== undefined) out[key] = v
  }
  out['apiVersion'] ??= ''
  out['kind'] ??= ''
  return out as KubeObject
}

function setIfChanged(map: Y.Map<unknown>, key: string, value: JsonValue | undefined): void {
  if (value === undefined) {
    if (map.has(key)) map.delete(key)
  } else if (!map.has(key) || !deepEqual(readPlain(map.get(key)), value)) {
    map.set(key, value)
  }
}

function nestedMap(parent: Y.Map<unknown>, key: string): Y.Map<unknown> {
  const existing: unknown = parent.get(key)
  if (existing instanceof Y.Map) return existing
  const created = new Y.Map<unknown>()
  parent.set(key, created)
  return created
}

function writeStringMap(map: Y.Map<unknown>, desired: Record<string, string>): void {
  for (const key of [...map.keys()]) if (!Object.hasOwn(desired, key)) map.delete(key)
  for (const [key, value] of Object.entries(desired)) if (map.get(key) !== value) map.set(key, value)
}

function writeFields(map: Y.Map<unknown>, desired: JsonObject, skip: (key: string) => boolean): void {
  for (const key of [...map.keys()]) if (!skip(key) && !Object.hasOwn(desired, key)) map.delete(key)
  for (const [key, value] of Object.entries(desired)) if (!skip(key)) setIfChanged(map, key, value)
}

/**
 * Make `map` hold `desired` (already normalized JSON), writing only what differs. Call inside a
 * transaction; `map` must already be in the document. Labels and annotations maps are created
 * even when empty so that two nodes never race to create them (one map would lose).
 */
export function writeObject(map: ObjectMap, desired: KubeObject): void {
  writeFields(map, desired as JsonObject, (k) => k === 'metadata')
  const meta = nestedMap(map, 'metadata')
  const desiredMeta = desired.metadata as JsonObject
  writeFields(meta, desiredMeta, (k) => isMapField(k) || k === 'resourceVersion')
  for (const field of MAP_META_FIELDS) {
    writeStringMap(nestedMap(meta, field), (desiredMeta[field] ?? {}) as Record<string, string>)
  }
}
