import { appendFile, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { followFile, readTail, rotateIfLarger } from '../../node/runtime/log-files.js'
import { waitFor } from '../harness/wait.js'

describe('log files', () => {
  let dir: string

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'shoal-log-files-'))
  })

  afterAll(async () => {
    await rm(dir, { recursive: true, force: true })
  })

  it('tails lines with or without a final newline, and of empty or missing files', async () => {
    const a = join(dir, 'a.log')
    await writeFile(a, 'one\ntwo\nthree\n')
    expect((await readTail([a], 2)).data.toString()).toBe('two\nthree\n')
    expect((await readTail([a], 0)).data.toString()).toBe('')
    expect((await readTail([a], 9)).data.toString()).toBe('one\ntwo\nthree\n')
    await writeFile(a, 'one\ntwo\npartial')
    expect((await readTail([a], 1)).data.toString()).toBe('partial')
    expect((await readTail([a], 2)).data.toString()).toBe('two\npartial')
    await writeFile(a, '')
    expect(await readTail([a], 3)).toEqual({ data: Buffer.alloc(0), end: 0 })
    expect(await readTail([join(dir, 'missing.log')], 3)).toEqual({ data: Buffer.alloc(0), end: 0 })
  })

  it('tails across the rotated part and reports where the newest file ends', async () => {
    const cur = join(dir, 'b.log')
    await writeFile(`${cur}.1`, 'old-1\nold-2\n')
    await writeFile(cur, 'new-1\nnew-2\n')
    expect((await readTail([`${cur}.1`, cur], 3)).data.toString()).toBe('old-2\nnew-1\nnew-2\n')
    expect((await readTail([`${cur}.1`, cur], 3)).end).toBe(12)
  })

  it('tails lines longer than a read block', async () => {
    const long = join(dir, 'long.log')
    const line = 'x'.repeat(200_000)
    await writeFile(long, `first\n${line}\nlast\n`)
    expect((await readTail([long], 2)).data.toString()).toBe(`${line}\nlast\n`)
  })

  it('rotates past the limit, keeping only the last maxBytes in the previous part', async () => {
    const path = join(dir, 'c.log')
    await writeFile(path, 'a'.repeat(100) + 'b'.repeat(50))
    expect(await rotateIfLarger(path, 200)).toBe(false)
    expect(await rotateIfLarger(path, 60)).toBe(true)
    expect((await stat(path)).size).toBe(0)
    expect(await readFile(`${path}.1`, 'utf8')).toBe('a'.repeat(10) + 'b'.repeat(50))
  })

  it('follows appends, restarts after a truncation and drains once the writer is gone', async () => {
    const path = join(dir, 'd.log')
    await writeFile(path, 'seen\n')
    let alive = true
    const got: string[] = []
    const done = (async (): Promise<void> => {
      for await (const chunk of followFile(path, { from: 5, pollMs: 10, writerAlive: async () => alive })) got.push(Buffer.from(chunk).toString())
    })()
    await appendFile(path, 'one\n')
    // Truncate only once 'one' was delivered: a rotation drops what the follower had not read yet.
    await waitFor(() => got.join('') === 'one\n', { intervalMs: 5 })
    await writeFile(path, '')
    await appendFile(path, 'two\n')
    alive = false
    await done
    expect(got.join('')).toBe('one\ntwo\n')
  })
})
