import { mkdtemp, readFile, rm, stat } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { DataDir } from '../../node/config/data-dir.js'
import { generateClusterKeyText, InvalidClusterKeyError } from '../../node/p2p/cluster-key.js'

let root: string
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'shoal-datadir-'))
})
afterEach(async () => {
  await rm(root, { recursive: true, force: true })
})

const exists = async (path: string): Promise<boolean> => (await stat(path).catch(() => undefined)) !== undefined

describe('DataDir cluster key', () => {
  it('a key given for a join is not saved until the join proves it, so a mistyped key can be corrected', async () => {
    const dir = new DataDir(join(root, 'n'))
    await dir.ensure()
    const wrong = await dir.resolveClusterKey({ text: generateClusterKeyText(), joining: true })
    expect(wrong).toMatchObject({ created: false, pending: true })
    expect(await exists(dir.path('cluster.key'))).toBe(false)
    // The retry with the right key is accepted, and saved once a peer accepted it.
    const rightText = generateClusterKeyText()
    const right = await dir.resolveClusterKey({ text: rightText, joining: true })
    expect(right.pending).toBe(true)
    await dir.saveClusterKey(right.key)
    expect((await readFile(dir.path('cluster.key'), 'utf8')).trim()).toBe(new TextDecoder().decode(right.key.psk))
    expect((await stat(dir.path('cluster.key'))).mode & 0o777).toBe(0o600)
    // From now on the data dir belongs to that cluster: no flag needed, another key refused.
    expect(await dir.resolveClusterKey({ joining: true })).toMatchObject({ pending: false })
    expect((await dir.resolveClusterKey({ text: rightText, joining: true })).pending).toBe(false)
    await expect(dir.resolveClusterKey({ text: generateClusterKeyText(), joining: true })).rejects.toBeInstanceOf(InvalidClusterKeyError)
  })

  it('a key given to a node that joins nobody is saved at once (a cluster formed from a keygen key)', async () => {
    const dir = new DataDir(join(root, 'first'))
    await dir.ensure()
    const r = await dir.resolveClusterKey({ text: generateClusterKeyText(), joining: false })
    expect(r).toMatchObject({ created: false, pending: false })
    expect(await exists(dir.path('cluster.key'))).toBe(true)
  })

  it('saveClusterKey never replaces a key already there', async () => {
    const dir = new DataDir(join(root, 'keep'))
    await dir.ensure()
    const created = await dir.resolveClusterKey({ joining: false })
    expect(created.created).toBe(true)
    const before = await readFile(dir.path('cluster.key'), 'utf8')
    const other = new DataDir(join(root, 'other'))
    await other.ensure()
    await dir.saveClusterKey((await other.resolveClusterKey({ joining: false })).key)
    expect(await readFile(dir.path('cluster.key'), 'utf8')).toBe(before)
  })
})
