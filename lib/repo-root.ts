import { existsSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

/** The checkout's root, found from this file whether it runs from source or from dist/. */
export function repoRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url))
  while (!existsSync(join(dir, 'package.json')) || dir.endsWith('dist')) {
    const up = dirname(dir)
    if (up === dir) throw new Error('cannot find the repository root')
    dir = up
  }
  return dir
}

export function cliPath(): string {
  const p = join(repoRoot(), 'dist', 'cli', 'main.js')
  if (!existsSync(p)) throw new Error(`${p} is missing: run "npm run build" first (npm test does it)`)
  return p
}
