import { parseAllDocuments } from 'yaml'
import type { ApiObject } from '../output/api-object.js'

/** One object from a manifest, with where it came from for messages. */
export interface Manifest {
  object: ApiObject
  /** `file.yaml` or `file.yaml (document 2)`; `-` for stdin. */
  source: string
}

/** A manifest file that cannot be read as YAML or JSON, or holds something other than objects. */
export class ManifestError extends Error {
  override name = 'ManifestError'
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v)
}

/** `kind: List` (and `PodList` etc.) hold their objects in `items`; flatten them in order. */
function flatten(value: unknown, source: string): Manifest[] {
  if (!isObject(value)) throw new ManifestError(`${source}: expected an object with apiVersion, kind and metadata`)
  if (typeof value['kind'] === 'string' && value['kind'].endsWith('List') && Array.isArray(value['items'])) {
    return value['items'].flatMap((item, i) => flatten(item, `${source} item ${i}`))
  }
  if (typeof value['kind'] !== 'string' || value['kind'] === '') throw new ManifestError(`${source}: the object has no kind`)
  if (!isObject(value['metadata'])) throw new ManifestError(`${source}: the object has no metadata`)
  return [{ object: value as unknown as ApiObject, source }]
}

/**
 * Every object in a YAML or JSON text (JSON is YAML): documents separated by `---`, empty
 * documents skipped. A syntax error anywhere rejects the whole text, so nothing half-read is
 * applied.
 */
export function parseManifests(text: string, name: string): Manifest[] {
  const docs = parseAllDocuments(text)
  const list = Array.isArray(docs) ? docs : [docs]
  const out: Manifest[] = []
  list.forEach((doc, i) => {
    const source = list.length > 1 ? `${name} (document ${i + 1})` : name
    const err = doc.errors[0]
    if (err !== undefined) throw new ManifestError(`${source}: ${err.message.split('\n')[0]}`)
    const value: unknown = doc.toJS({ maxAliasCount: 100 })
    if (value !== null && value !== undefined) out.push(...flatten(value, source))
  })
  return out
}
