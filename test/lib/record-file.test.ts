import { mkdir, mkdtemp, open, readFile, rm, rmdir, stat, truncate, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import {
  CorruptRecordError,
  RecordFile,
  RecordFileClosedError,
  RecordFileFailedError,
  RecordTooLargeError,
  readRecordFile,
  writeRecordFile,
} from '../../lib/record-file.js'
import type { OpenedRecordFile } from '../../lib/record-file.js'
import { RECORD_HEADER_BYTES } from '../../lib/record-file-format.js'

const HEADER = RECORD_HEADER_BYTES

function rec(text: string): Uint8Array {
  return new TextEncoder().encode(text)
}

function texts(records: Uint8Array[]): string[] {
  return records.map((r) => new TextDecoder().decode(r))
}

/** The prototype of node's FileHandle, to count or fail its fsyncs. */
async function fileHandlePrototype(path: string): Promise<{ datasync(): Promise<void> }> {
  const h = await open(path, 'w')
  await h.close()
  return Object.getPrototypeOf(h) as { datasync(): Promise<void> }
}

let dir: string
let path: string

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'record-file-'))
  path = join(dir, 'log')
})

afterEach(async () => {
  vi.restoreAllMocks()
  await rm(dir, { recursive: true, force: true })
})

async function readBack(): Promise<string[]> {
  const { file, records } = await RecordFile.open(path)
  await file.close()
  return texts(records)
}

/** Write each group as its own flush (its own batch), then close. */
async function writeBatches(groups: string[][]): Promise<number[]> {
  const { file } = await RecordFile.open(path)
  const ends: number[] = []
  for (const g of groups) {
    for (const t of g) file.append(rec(t))
    await file.flush()
    ends.push(file.size)
  }
  await file.close()
  return ends
}

describe('RecordFile', () => {
  it('round-trips records of every size, including empty ones', async () => {
    const payloads = ['', 'a', 'hello world', 'x'.repeat(70_000)]
    const { file, records } = await RecordFile.open(path)
    expect(records).toEqual([])
    for (const p of payloads) file.append(rec(p))
    await file.flush()
    const expectedSize = payloads.reduce((n, p) => n + HEADER + p.length, 0)
    expect(file.size).toBe(expectedSize)
    await file.close()
    expect((await stat(path)).size).toBe(expectedSize)

    const again = await RecordFile.open(path)
    expect(texts(again.records)).toEqual(payloads)
    expect(again.truncatedBytes).toBe(0)
    expect(again.offsets).toEqual([0, 16, 33, 60])
    again.file.append(rec('more'))
    await again.file.close()
    expect(await readBack()).toEqual([...payloads, 'more'])
  })

  it('shares one fsync among concurrent flushes (group commit)', async () => {
    const proto = await fileHandlePrototype(join(dir, 'probe'))
    const { file } = await RecordFile.open(path)
    const datasync = vi.spyOn(proto, 'datasync')
    const flushes: Promise<void>[] = []
    for (let i = 0; i < 100; i++) {
      file.append(rec(`r${i}`))
      flushes.push(file.flush())
    }
    await Promise.all(flushes)
    expect(datasync.mock.calls.length).toBeGreaterThanOrEqual(1)
    expect(datasync.mock.calls.length).toBeLessThanOrEqual(2)
    await file.close()
    expect(await readBack()).toHaveLength(100)
  })

  it('starts a new write for a flush issued from a resolved flush continuation', async () => {
    const { file } = await RecordFile.open(path)
    file.append(rec('one'))
    await file.flush()
    // Runs in the continuation of the first flush, while its write loop is finishing.
    file.append(rec('two'))
    const stalled = new Promise<string>((resolve) => setTimeout(() => resolve('stalled'), 2000))
    expect(await Promise.race([file.flush().then(() => 'flushed'), stalled])).toBe('flushed')
    expect(texts((await readRecordFile(path)).records)).toEqual(['one', 'two'])
    await file.close()
  })

  it('recovers the prefix when the last record is torn at any byte', async () => {
    const ends = await writeBatches([['alpha'], ['bravo'], ['charlie-the-last-record']])
    const full = await readFile(path)
    const lastStart = ends[1]!
    for (let cut = lastStart; cut < full.length; cut++) {
      await writeFile(path, full.subarray(0, cut))
      const { file, records, truncatedBytes } = await RecordFile.open(path)
      expect(texts(records)).toEqual(['alpha', 'bravo'])
      expect(truncatedBytes).toBe(cut - lastStart)
      expect((await stat(path)).size).toBe(lastStart)
      await file.close()
    }
    // Appending after recovery continues the valid prefix.
    const { file } = await RecordFile.open(path)
    file.append(rec('delta'))
    await file.close()
    expect(await readBack()).toEqual(['alpha', 'bravo', 'delta'])
  })

  it('treats damage followed only by records of the same batch as a torn write', async () => {
    // The last batch was written with one write(); a crash may persist its later sectors but not
    // its earlier ones, which read back as zeros. It was never acknowledged, so it is dropped
    // rather than refused.
    const big = (t: string): string => t + '.'.repeat(700)
    const ends = await writeBatches([['kept'], [big('torn-1'), big('torn-2'), big('torn-3')]])
    const buf = await readFile(path)
    const sector = Math.ceil(ends[0]! / 512) * 512
    buf.fill(0, sector, sector + 512)
    await writeFile(path, buf)
    const { file, records, truncatedBytes } = await RecordFile.open(path)
    expect(texts(records)).toEqual(['kept'])
    expect(truncatedBytes).toBe(buf.length - ends[0]!)
    await file.close()
  })

  it('treats zeros after the last batch (size extended, data never written) as a torn write', async () => {
    const ends = await writeBatches([['one'], ['two']])
    const buf = await readFile(path)
    await writeFile(path, Buffer.concat([buf, Buffer.alloc(4096)]))
    const { file, records, truncatedBytes } = await RecordFile.open(path)
    expect(texts(records)).toEqual(['one', 'two'])
    expect(truncatedBytes).toBe(4096)
    expect((await stat(path)).size).toBe(ends[1])
    await file.close()
  })

  it('refuses to open when a byte of the last batch is flipped, which no torn write does', async () => {
    // The last batch may have been acknowledged: a damaged record that is complete and has no
    // zeroed sector is corruption, not a crash, and truncating it could lose committed data.
    const ends = await writeBatches([['first'], ['second-1', 'second-2']])
    const clean = await readFile(path)
    const lastLength = clean.length - HEADER - 'second-2'.length + 4
    for (let at = ends[0]!; at < clean.length; at++) {
      const buf = Buffer.from(clean)
      buf[at] = buf[at]! ^ 0x40
      await writeFile(path, buf)
      const opened = await RecordFile.open(path).then(
        (o) => o,
        (e: unknown) => e,
      )
      if (at >= lastLength && at < lastLength + 4) {
        // The one blind spot (README, Durability): the last record's length now reaches past the
        // end of the file, exactly what a short write leaves.
        expect(texts((opened as OpenedRecordFile).records), `flip at ${at}`).toEqual(['first', 'second-1'])
        await (opened as OpenedRecordFile).file.close()
        continue
      }
      expect(opened, `flip at ${at}`).toBeInstanceOf(CorruptRecordError)
      expect((await readFile(path)).equals(buf)).toBe(true)
    }
  })

  it('refuses to open when a byte in the middle is flipped, at every byte of a record', async () => {
    const ends = await writeBatches([['first'], ['second-record'], ['third']])
    const clean = await readFile(path)
    for (let at = ends[0]!; at < ends[1]!; at++) {
      const buf = Buffer.from(clean)
      buf[at] = buf[at]! ^ 0x40
      await writeFile(path, buf)
      const err = await RecordFile.open(path).then(
        () => undefined,
        (e: unknown) => e,
      )
      expect(err, `flip at ${at}`).toBeInstanceOf(CorruptRecordError)
      expect((err as CorruptRecordError).offset).toBe(ends[0])
      expect((err as CorruptRecordError).message).toContain(path)
      // Refusing must leave the file untouched for forensics.
      expect((await readFile(path)).equals(buf)).toBe(true)
    }
  })

  it('replace() swaps the content atomically and keeps later appends', async () => {
    const { file } = await RecordFile.open(path)
    for (let i = 0; i < 50; i++) file.append(rec(`old-${i}`))
    await file.flush()
    file.append(rec('superseded'))
    const replaced = file.replace([rec('base'), rec('state')])
    file.append(rec('after'))
    await replaced
    await file.flush()
    expect(file.size).toBe(3 * HEADER + 'base'.length + 'state'.length + 'after'.length)
    await file.close()
    expect((await stat(path)).size).toBe(file.size)
    expect(await readBack()).toEqual(['base', 'state', 'after'])
  })

  it('keeps the old file and every append when replace() cannot write its temp file', async () => {
    const { file } = await RecordFile.open(path)
    file.append(rec('a'))
    await file.flush()
    file.append(rec('b'))
    // A directory where the temp file goes makes the replacement fail before it touches the log.
    await mkdir(`${path}.tmp`)
    const replaced = file.replace([rec('compacted')])
    file.append(rec('c'))
    await expect(replaced).rejects.toThrow()
    await file.flush()
    expect(texts((await readRecordFile(path)).records)).toEqual(['a', 'b', 'c'])
    expect(file.size).toBe((await stat(path)).size)
    await rmdir(`${path}.tmp`)
    file.append(rec('d'))
    await file.replace([rec('x')])
    await file.close()
    expect(await readBack()).toEqual(['x'])
  })

  it('ignores and removes a temp file left by a crash during replace()', async () => {
    await writeBatches([['durable']])
    await writeFile(`${path}.tmp`, 'half-written replacement')
    const { file, records } = await RecordFile.open(path)
    expect(texts(records)).toEqual(['durable'])
    await expect(stat(`${path}.tmp`)).rejects.toThrow()
    await file.close()
  })

  it('refuses records over the limit, and refuses to open a file holding one rather than drop it', async () => {
    const { file } = await RecordFile.open(path, { maxRecordBytes: 8 })
    file.append(rec('12345678'))
    expect(() => file.append(rec('123456789'))).toThrow(RecordTooLargeError)
    await expect(file.replace([rec('123456789')])).rejects.toBeInstanceOf(RecordTooLargeError)
    await file.close()
    await rm(path)
    await writeBatches([['this record is longer than eight bytes']])
    // Complete and checksummed, so not a torn write: it was written under a larger limit.
    await expect(RecordFile.open(path, { maxRecordBytes: 8 })).rejects.toBeInstanceOf(CorruptRecordError)
  })

  it('refuses appends after close', async () => {
    const { file } = await RecordFile.open(path)
    await file.close()
    expect(() => file.append(rec('late'))).toThrow(RecordFileClosedError)
  })

  it('refuses every write after a failed fsync, because what is on disk is unknown', async () => {
    const proto = await fileHandlePrototype(join(dir, 'probe'))
    const { file } = await RecordFile.open(path)
    vi.spyOn(proto, 'datasync').mockRejectedValueOnce(new Error('EIO'))
    file.append(rec('lost'))
    await expect(file.flush()).rejects.toBeInstanceOf(RecordFileFailedError)
    expect(() => file.append(rec('next'))).toThrow(RecordFileFailedError)
    await expect(file.flush()).rejects.toBeInstanceOf(RecordFileFailedError)
    await expect(file.close()).rejects.toBeInstanceOf(RecordFileFailedError)
  })

  it('writes and reads whole files atomically (snapshot files)', async () => {
    await writeRecordFile(path, [rec('snap'), rec('data')], { sync: false })
    const read = await readRecordFile(path)
    expect(texts(read.records)).toEqual(['snap', 'data'])
    expect(read.truncatedBytes).toBe(0)
    await truncate(path, 10)
    expect((await readRecordFile(path)).records).toEqual([])
  })
})
