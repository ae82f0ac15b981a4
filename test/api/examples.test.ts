import { readdir, readFile } from 'node:fs/promises'
import { join, relative } from 'node:path'
import { describe, expect, it } from 'vitest'
import { parseManifests } from '../../cli/manifests/parse-manifests.js'
import { repoRoot } from '../../lib/repo-root.js'
import { findResource } from '../../node/api/resources/registry.js'
import { validateObject } from '../../node/api/validation/validate-object.js'

const root = join(repoRoot(), 'examples')

async function manifestFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true })
  const nested = await Promise.all(entries.map((e) => (e.isDirectory() ? manifestFiles(join(dir, e.name)) : Promise.resolve(/\.(ya?ml|json)$/.test(e.name) ? [join(dir, e.name)] : []))))
  return nested.flat().sort()
}

const files = await manifestFiles(root)

describe('examples/', () => {
  it('has the examples the README describes', () => {
    expect(files.map((f) => relative(root, f))).toEqual(['00-namespace.yaml', 'clock-pod.yaml', 'docker/busybox-rc.yaml', 'web-deployment.yaml', 'web-rc.yaml', 'web-service.yaml'])
  })

  it.each(files.map((f) => [relative(root, f), f]))('%s passes the API validation', async (_name, file) => {
    const manifests = parseManifests(await readFile(file, 'utf8'), file)
    expect(manifests.length).toBeGreaterThan(0)
    for (const { object } of manifests) {
      const def = findResource(object.kind)
      expect(def, `kind ${object.kind}`).toBeDefined()
      const valid = validateObject(def!, object, { operation: 'create', ...(object.metadata.namespace !== undefined ? { namespace: object.metadata.namespace } : {}) })
      expect(valid.metadata.name).toBe(object.metadata.name)
    }
  })
})
