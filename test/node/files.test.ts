import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { expect, it } from 'vitest'
import { writeFileAtomic } from '../../lib/files.js'

it('concurrent atomic writes of one file all succeed and leave no temp files', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'shoal-files-'))
  try {
    const path = join(dir, 'peers.json')
    await Promise.all(Array.from({ length: 20 }, (_, i) => writeFileAtomic(path, `v${i}`)))
    expect(await readFile(path, 'utf8')).toMatch(/^v\d+$/)
    expect(await readdir(dir)).toEqual(['peers.json'])
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
})
