import type * as Y from 'yjs'
import { KINDS } from './kinds.js'
import type { KubeObject } from './kube-object.js'
import { readObject } from './object-codec.js'

/**
 * The whole document as plain JSON, kinds in registry order and objects by key, without
 * resourceVersions: equal documents give byte-identical JSON.stringify output on every node.
 */
export function docToJSON(doc: Y.Doc): Record<string, Record<string, KubeObject>> {
  const out: Record<string, Record<string, KubeObject>> = {}
  for (const def of KINDS) {
    const root = doc.getMap<unknown>(def.name)
    const objects: Record<string, KubeObject> = {}
    for (const key of [...root.keys()].sort()) {
      const obj = readObject(root.get(key))
      if (obj !== undefined) objects[key] = obj
    }
    out[def.name] = objects
  }
  return out
}
