import type { ApiObject } from '../../output/api-object.js'

/** Metadata the server owns: a manifest that carries them (copied from `get -o yaml`) is not asking to change them. */
const SERVER_METADATA = new Set(['resourceVersion', 'uid', 'creationTimestamp', 'generation', 'managedFields', 'selfLink'])

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v)
}

/** What applying a manifest asks for: everything but its status and the server's metadata. */
export function desiredState(manifest: ApiObject): ApiObject {
  const { status: _, ...rest } = manifest
  const metadata = Object.fromEntries(Object.entries(manifest.metadata).filter(([k]) => !SERVER_METADATA.has(k)))
  return { ...rest, metadata: metadata as ApiObject['metadata'] }
}

/** Whether every value `wanted` sets is already in `live` (objects by key, arrays element by element). */
function within(wanted: unknown, live: unknown): boolean {
  if (Array.isArray(wanted)) return Array.isArray(live) && live.length === wanted.length && wanted.every((w, i) => within(w, live[i]))
  if (isObject(wanted)) return isObject(live) && Object.entries(wanted).every(([k, v]) => within(v, live[k]))
  return wanted === live
}

/**
 * Whether applying `desired` (see desiredState) would change nothing in `live`: everything it
 * states is already so. Fields it leaves out (status, server metadata, overlays such as a pod's
 * node) do not count.
 */
export function alreadyApplied(desired: ApiObject, live: ApiObject): boolean {
  return within(desired, live)
}
