import { InvalidObjectError } from '../errors.js'

export type JsonPrimitive = string | number | boolean | null
export type JsonValue = JsonPrimitive | JsonValue[] | { [key: string]: JsonValue }
export type JsonObject = { [key: string]: JsonValue }

/**
 * Assign an own property even when the key is `__proto__`, which plain assignment would treat as
 * a prototype change (JSON.parse yields such keys as ordinary data).
 */
export function setOwn(target: JsonObject, key: string, value: JsonValue): void {
  if (key === '__proto__') Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true })
  else target[key] = value
}

export function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/**
 * A deep copy that is plain JSON, so nothing the caller keeps can alias what the document stores.
 * Properties whose value is `undefined` are dropped (as JSON.stringify would); anything else
 * that JSON cannot carry is refused, since Yjs would encode it differently on other nodes.
 */
export function cloneJson(value: unknown, field = ''): JsonValue {
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return value
    case 'number':
      if (!Number.isFinite(value)) throw new InvalidObjectError('numbers must be finite', field)
      return Object.is(value, -0) ? 0 : value
    case 'object': {
      if (value === null) return null
      if (Array.isArray(value)) return value.map((v, i) => cloneJson(v, `${field}[${i}]`))
      const proto: unknown = Object.getPrototypeOf(value)
      if (proto !== Object.prototype && proto !== null) throw new InvalidObjectError('must be a plain JSON object', field)
      const out: JsonObject = {}
      for (const [k, v] of Object.entries(value)) {
        if (v !== undefined) setOwn(out, k, cloneJson(v, field === '' ? k : `${field}.${k}`))
      }
      return out
    }
    default:
      throw new InvalidObjectError(`a ${typeof value} is not JSON`, field)
  }
}

/** Structural equality of JSON values; key order does not matter. */
export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false
  if (Array.isArray(a) !== Array.isArray(b)) return false
  if (Array.isArray(a) && Array.isArray(b)) {
    return a.length === b.length && a.every((v, i) => deepEqual(v, b[i]))
  }
  const ak = Object.keys(a)
  const bo = b as Record<string, unknown>
  const ao = a as Record<string, unknown>
  if (ak.length !== Object.keys(b).length) return false
  return ak.every((k) => Object.hasOwn(bo, k) && deepEqual(ao[k], bo[k]))
}

/** Freeze a value that will be shared between readers (cache, history, watchers). */
export function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value)
    for (const v of Object.values(value)) deepFreeze(v)
  }
  return value
}

/** A copy with object keys sorted at every level: a canonical form for comparing documents. */
export function sortKeysDeep(value: JsonValue): JsonValue {
  if (Array.isArray(value)) return value.map(sortKeysDeep)
  if (!isJsonObject(value)) return value
  const out: JsonObject = {}
  for (const k of Object.keys(value).sort()) setOwn(out, k, sortKeysDeep(value[k]!))
  return out
}
