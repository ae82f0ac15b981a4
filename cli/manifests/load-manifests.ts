import { readdir, readFile, stat } from 'node:fs/promises'
import { join } from 'node:path'
import { text } from 'node:stream/consumers'
import type { Manifest } from './parse-manifests.js'
import { ManifestError, parseManifests } from './parse-manifests.js'

const MANIFEST_FILE = /\.(ya?ml|json)$/i

/** The files a `-f` argument names: the file itself, or a directory's manifests in sorted order. */
async function filesOf(path: string): Promise<string[]> {
  const info = await stat(path).catch(() => {
    throw new ManifestError(`${path}: no such file or directory`)
  })
  if (!info.isDirectory()) return [path]
  const names = (await readdir(path)).filter((n) => MANIFEST_FILE.test(n)).sort()
  return names.map((n) => join(path, n))
}

export interface LoadedSource {
  source: string
  manifests?: Manifest[]
  error?: ManifestError
}

/**
 * Read every `-f` argument (a file, a directory, or `-` for stdin). Each file is parsed on its
 * own, so one broken file is reported without hiding the others.
 */
export async function loadManifests(paths: readonly string[], stdin: NodeJS.ReadableStream = process.stdin): Promise<LoadedSource[]> {
  const out: LoadedSource[] = []
  for (const path of paths) {
    let files: string[]
    try {
      files = path === '-' ? ['-'] : await filesOf(path)
    } catch (err) {
      out.push({ source: path, error: err as ManifestError })
      continue
    }
    for (const file of files) {
      try {
        const content = file === '-' ? await text(stdin) : await readFile(file, 'utf8')
        out.push({ source: file, manifests: parseManifests(content, file) })
      } catch (err) {
        out.push({ source: file, error: err instanceof ManifestError ? err : new ManifestError(`${file}: ${(err as Error).message}`) })
      }
    }
  }
  return out
}
