/** Metadata the server owns: a manifest that carries them (copied from `get -o yaml`) is not asking to change them. */
const SERVER_METADATA = new Set(['resourceVersion', 'uid', 'creationTimestamp', 'generation', 'managedFields', 'selfLink'])

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v)
}

/** Whether every value `wanted` sets is already in `live` (objects by key, arrays element by element). */
function within(wanted: unknown, live: unknown): boolean {
  if (Array.isArray(wanted)) return Array.isArray(live) && live.length === wanted.length && wanted.every((w, i) => within(w, live[i]))
  if (isObject(wanted)) return isObject(live) && Object.entries(wanted).every(([k, v]) => within(v, live[k]))
  return wanted === live
}

/**
 * Whether applying `manifest` would change nothing in `live`: everything the manifest states is
 * already so. Fields it leaves out (status, server metadata, overlays such as a pod's node) do
 * not count.
 */
export function alreadyApplied(manifest: Record<string, unknown>, live: Record<string, unknown>): boolean {
  return Object.entries(manifest).every(([key, value]) => {
    if (key === 'status') return true
    if (key !== 'metadata' || !isObject(value)) return within(value, live[key])
    const meta = Object.fromEntries(Object.entries(value).filter(([k]) => !SERVER_METADATA.has(k)))
    return within(meta, live['metadata'])
  })
}
