import type { JsonObject, JsonValue } from './json.js'
import { isJsonObject, setOwn } from './json.js'

/**
 * RFC 7386 JSON merge patch: objects merge recursively, `null` removes a key, anything else
 * (arrays included) replaces the target value. Returns a new value; neither input is changed.
 */
export function applyMergePatch(target: JsonValue | undefined, patch: JsonValue): JsonValue {
  if (!isJsonObject(patch)) return patch
  const out: JsonObject = isJsonObject(target) ? { ...target } : {}
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete out[key]
    else setOwn(out, key, applyMergePatch(Object.hasOwn(out, key) ? out[key] : undefined, value))
  }
  return out
}
