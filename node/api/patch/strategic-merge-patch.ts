import type { JsonObject, JsonValue } from '../../../crdt/index.js'
import { deepEqual, isJsonObject, setOwn } from '../../../crdt/model/json.js'
import { BadRequestError } from '../errors.js'
import type { ListStrategy } from './patch-strategies.js'
import { listStrategy } from './patch-strategies.js'

const PATCH = '$patch'
const RETAIN_KEYS = '$retainKeys'
const ORDER_PREFIX = '$setElementOrder/'
const DELETE_PRIMITIVES_PREFIX = '$deleteFromPrimitiveList/'

/**
 * Kubernetes' strategic merge patch, which `kubectl apply`, `edit` and `patch` send: a JSON merge
 * patch in which lists with a merge key merge element by element, and `$patch`,
 * `$setElementOrder/…`, `$retainKeys` and `$deleteFromPrimitiveList/…` directives say what a
 * plain merge cannot. Returns a new value; neither input is changed.
 */
export function applyStrategicMergePatch(target: JsonValue | undefined, patch: JsonValue): JsonValue {
  const out = mergeValue(target, patch, [])
  if (out === undefined) throw new BadRequestError('a strategic merge patch may not delete the whole object')
  return out
}

/** `undefined` means "delete this value" (a `$patch: delete` map). */
function mergeValue(target: JsonValue | undefined, patch: JsonValue, path: string[]): JsonValue | undefined {
  if (Array.isArray(patch)) return mergeList(target, patch, path)
  if (!isJsonObject(patch)) return patch
  return mergeMap(target, patch, path)
}

function mergeMap(target: JsonValue | undefined, patch: JsonObject, path: string[]): JsonObject | undefined {
  const directive = patch[PATCH]
  if (directive === 'delete') return undefined
  if (directive === 'replace') return withoutDirectives(patch)
  if (directive !== undefined && directive !== 'merge') throw new BadRequestError(`${fieldName(path)}: unknown $patch directive ${JSON.stringify(directive)}`)
  const out: JsonObject = isJsonObject(target) ? { ...target } : {}
  for (const [key, value] of Object.entries(patch)) {
    if (key.startsWith('$')) continue
    if (value === null) {
      delete out[key]
      continue
    }
    const merged = mergeValue(Object.hasOwn(out, key) ? out[key] : undefined, value, [...path, key])
    if (merged === undefined) delete out[key]
    else setOwn(out, key, merged)
  }
  for (const [key, value] of Object.entries(patch)) {
    if (key.startsWith(DELETE_PRIMITIVES_PREFIX)) deletePrimitives(out, key.slice(DELETE_PRIMITIVES_PREFIX.length), value, path)
  }
  for (const [key, value] of Object.entries(patch)) {
    if (key.startsWith(ORDER_PREFIX)) reorder(out, key.slice(ORDER_PREFIX.length), value, path)
  }
  const retain = patch[RETAIN_KEYS]
  if (retain !== undefined) {
    if (!Array.isArray(retain)) throw new BadRequestError(`${fieldName(path)}: $retainKeys must be a list of field names`)
    for (const key of Object.keys(out)) if (!retain.includes(key)) delete out[key]
  }
  return out
}

function mergeList(target: JsonValue | undefined, patch: JsonValue[], path: string[]): JsonValue[] {
  const strategy = listStrategy(path)
  if (patch.some((el) => isJsonObject(el) && el[PATCH] === 'replace')) {
    return patch.filter((el) => !(isJsonObject(el) && el[PATCH] === 'replace')).map(stripDeep)
  }
  if (strategy === undefined) return patch.map(stripDeep)
  const current = Array.isArray(target) ? [...target] : []
  if ('primitives' in strategy) return [...current, ...patch.filter((v) => !current.some((c) => deepEqual(c, v)))]
  return mergeByKey(current, patch, strategy, path)
}

function mergeByKey(current: JsonValue[], patch: JsonValue[], strategy: Extract<ListStrategy, { mergeKey: string }>, path: string[]): JsonValue[] {
  const { mergeKey } = strategy
  const out = current
  for (const el of patch) {
    if (!isJsonObject(el) || el[mergeKey] === undefined) {
      throw new BadRequestError(`${fieldName(path)}: every element of a strategic merge patch must be an object with "${mergeKey}"`)
    }
    const at = out.findIndex((c) => isJsonObject(c) && deepEqual(c[mergeKey], el[mergeKey]))
    if (el[PATCH] === 'delete') {
      if (at >= 0) out.splice(at, 1)
      continue
    }
    const merged = mergeMap(at >= 0 ? out[at] : undefined, el, path)
    if (merged === undefined) continue
    if (at >= 0) out[at] = merged
    else out.push(merged)
  }
  return out
}

/** Elements named in the order list come first, in its order; the rest keep theirs after them. */
function reorder(out: JsonObject, field: string, order: JsonValue, path: string[]): void {
  const list = out[field]
  if (!Array.isArray(list) || !Array.isArray(order)) return
  const strategy = listStrategy([...path, field])
  const keyOf = (v: JsonValue): JsonValue | undefined =>
    strategy !== undefined && 'mergeKey' in strategy ? (isJsonObject(v) ? v[strategy.mergeKey] : undefined) : v
  const wanted = order.map(keyOf)
  const rank = (v: JsonValue): number => {
    const i = wanted.findIndex((w) => w !== undefined && deepEqual(w, keyOf(v) ?? null))
    return i < 0 ? wanted.length : i
  }
  setOwn(out, field, list.map((v, i) => ({ v, i })).sort((a, b) => rank(a.v) - rank(b.v) || a.i - b.i).map((x) => x.v))
}

function deletePrimitives(out: JsonObject, field: string, values: JsonValue, path: string[]): void {
  if (!Array.isArray(values)) throw new BadRequestError(`${fieldName([...path, field])}: $deleteFromPrimitiveList needs a list`)
  const list = out[field]
  if (Array.isArray(list)) setOwn(out, field, list.filter((v) => !values.some((d) => deepEqual(d, v))))
}

function withoutDirectives(map: JsonObject): JsonObject {
  const out: JsonObject = {}
  for (const [k, v] of Object.entries(map)) if (!k.startsWith('$')) setOwn(out, k, stripDeep(v))
  return out
}

/** A value that replaces wholesale still must not carry directives into the stored object. */
function stripDeep(value: JsonValue): JsonValue {
  if (Array.isArray(value)) return value.map(stripDeep)
  return isJsonObject(value) ? withoutDirectives(value) : value
}

function fieldName(path: readonly string[]): string {
  return path.length === 0 ? 'patch' : path.join('.')
}
