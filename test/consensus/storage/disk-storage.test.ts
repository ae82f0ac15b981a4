import { open, readFile, readdir, stat, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { RecordFile, RecordTooLargeError } from '../../../lib/record-file.js'
import { RECORD_HEADER_BYTES } from '../../../lib/record-file-format.js'
import { CompactBeyondSnapshotError, SnapshotMissingError, WalCorruptError } from '../../../consensus/storage/disk-errors.js'
import { DiskStorage, WAL_FILE } from '../../../consensus/storage/disk-storage.js'
import { SnapshotStore } from '../../../consensus/storage/snapshot-store.js'
import { encodeWalRecord } from '../../../consensus/storage/wal-records.js'
import { confState, ent, ents, observe, snap, storageCompliance } from './compliance.js'
import { TempDirs, diskHarness } from './disk-fixture.js'

storageCompliance(diskHarness({ sync: false }))
storageCompliance({ ...diskHarness({ sync: true }), name: 'DiskStorage (fsync)' })

const RECORD_HEADER = RECORD_HEADER_BYTES
const dirs = new TempDirs()
afterEach(async () => {
  vi.restoreAllMocks()
  await dirs.cleanup()
})

async function failure(p: Promise<unknown>): Promise<unknown> {
  return p.then(
    () => undefined,
    (err: unknown) => err,
  )
}

/** One save per entry, each its own WAL batch; returns the WAL size after each save. */
async function savesOneByOne(dir: string, n: number): Promise<number[]> {
  const s = await DiskStorage.open(dir, { sync: false })
  const sizes: number[] = []
  for (let i = 1; i <= n; i++) {
    await s.save({ term: 1, vote: 'a', commit: i - 1 }, [ent(i, 1)])
    sizes.push(s.walBytes())
  }
  await s.close()
  return sizes
}

describe('DiskStorage recovery', () => {
  it('recovers the committed prefix when the WAL tail is torn at any byte of the last write', async () => {
    const dir = await dirs.make()
    const sizes = await savesOneByOne(dir, 5)
    const full = await readFile(join(dir, WAL_FILE))
    const lastStart = sizes[3]!
    const entryRecord = RECORD_HEADER + encodeWalRecord({ kind: 'entry', entry: ent(5, 1) }).byteLength
    for (let cut = lastStart; cut < full.length; cut++) {
      const copy = await dirs.crashCopy(dir)
      await writeFile(join(copy, WAL_FILE), full.subarray(0, cut))
      const s = await DiskStorage.open(copy, { sync: false })
      // The entry record of the torn write may have landed whole; it was never acknowledged either way.
      const last = cut >= lastStart + entryRecord ? 5 : 4
      expect(s.lastIndex(), `cut at ${cut}`).toBe(last)
      expect(s.entries(1, last + 1)).toEqual(ents(1, last, 1))
      expect(s.initialState().hardState).toEqual({ term: 1, vote: 'a', commit: 3 })
      expect(s.recovery.truncatedBytes).toBe(cut - (cut >= lastStart + entryRecord ? lastStart + entryRecord : lastStart))
      // The truncated WAL takes new writes and recovers them.
      await s.save(undefined, [ent(last + 1, 2)])
      await s.close()
      const again = await DiskStorage.open(copy, { sync: false })
      expect(again.lastIndex()).toBe(last + 1)
      await again.close()
    }
  })

  it('refuses to start when a byte in the payload of the last, possibly acknowledged, write is flipped', async () => {
    const dir = await dirs.make()
    const sizes = await savesOneByOne(dir, 5)
    const path = join(dir, WAL_FILE)
    const buf = await readFile(path)
    buf[sizes[3]! + RECORD_HEADER + 2] ^= 0x01
    const copy = await dirs.crashCopy(dir)
    await writeFile(join(copy, WAL_FILE), buf)
    const err = await failure(DiskStorage.open(copy, { sync: false }))
    expect(err).toBeInstanceOf(WalCorruptError)
    expect((err as Error).message).toContain('not a torn write')
    expect((err as WalCorruptError).offset).toBe(sizes[3])
  })

  it('refuses to start when a byte in the middle of the WAL is flipped', async () => {
    const dir = await dirs.make()
    const sizes = await savesOneByOne(dir, 5)
    const path = join(dir, WAL_FILE)
    for (const at of [sizes[0]!, sizes[0]! + 5, sizes[1]! + RECORD_HEADER + 3, sizes[2]! - 1]) {
      const buf = await readFile(path)
      buf[at] = buf[at]! ^ 0x01
      const copy = await dirs.crashCopy(dir)
      await writeFile(join(copy, WAL_FILE), buf)
      const err = await failure(DiskStorage.open(copy, { sync: false }))
      expect(err, `flip at ${at}`).toBeInstanceOf(WalCorruptError)
      const message = (err as Error).message
      expect(message).toContain(join(copy, WAL_FILE))
      expect(message).toMatch(/at byte \d+/)
      expect(message).toContain('refuses to start')
      expect((err as WalCorruptError).offset).toBeLessThanOrEqual(at)
    }
  })

  it('refuses records that pass the checksum but cannot follow each other', async () => {
    const dir = await dirs.make()
    const { file } = await RecordFile.open(join(dir, WAL_FILE))
    file.append(encodeWalRecord({ kind: 'entry', entry: ent(1, 1) }))
    file.append(encodeWalRecord({ kind: 'entry', entry: ent(3, 1) }))
    await file.close()
    expect(await failure(DiskStorage.open(dir))).toBeInstanceOf(WalCorruptError)

    const other = await dirs.make()
    const wal = await RecordFile.open(join(other, WAL_FILE))
    wal.file.append(new Uint8Array([99, 1, 2]))
    await wal.file.close()
    const err = await failure(DiskStorage.open(other))
    expect(err).toBeInstanceOf(WalCorruptError)
    expect((err as Error).message).toMatch(/undecodable/)
  })

  it('keeps everything a resolved save wrote across a crash, including concurrent calls in order', async () => {
    const dir = await dirs.make()
    const s = await DiskStorage.open(dir, { sync: false })
    const done = Promise.all([
      s.save({ term: 2, vote: 'b', commit: 0 }, ents(1, 6, 2)),
      s.createSnapshot(3, confState(['a', 'b']), new Uint8Array([3])),
      s.compact(3),
      s.save({ term: 3, vote: 'c', commit: 3 }, [ent(5, 3)]),
    ])
    await done
    const before = observe(s)
    const crashed = await DiskStorage.open(await dirs.crashCopy(dir), { sync: false })
    expect(observe(crashed)).toEqual(before)
    expect(crashed.lastIndex()).toBe(5)
    expect(crashed.term(5)).toBe(3)
    await crashed.close()
    await s.close()
  })

  it('fsyncs entries and votes but lets a commit-only change ride with the next write', async () => {
    const dir = await dirs.make()
    const s = await DiskStorage.open(dir, { sync: true })
    const probe = await open(join(dir, 'probe'), 'w')
    await probe.close()
    const datasync = vi.spyOn(Object.getPrototypeOf(probe) as { datasync(): Promise<void> }, 'datasync')
    await s.save({ term: 1, vote: 'a', commit: 0 }, [ent(1, 1)])
    expect(datasync).toHaveBeenCalledTimes(1)
    await s.save({ term: 1, vote: 'a', commit: 1 }, [])
    expect(datasync).toHaveBeenCalledTimes(1)
    await s.save({ term: 2, vote: '', commit: 1 }, [])
    expect(datasync).toHaveBeenCalledTimes(2)
    await s.close()
    const again = await DiskStorage.open(dir, { sync: true })
    expect(again.initialState().hardState).toEqual({ term: 2, vote: '', commit: 1 })
    await again.close()
  })

  it('creates missing parent directories', async () => {
    const dir = join(await dirs.make(), 'data', 'raft')
    const s = await DiskStorage.open(dir, { sync: true })
    await s.save({ term: 1, vote: 'a', commit: 0 }, [ent(1, 1)])
    await s.close()
    expect((await readdir(dir)).sort()).toEqual([WAL_FILE])
  })

  it('refuses an entry larger than the limit without changing the log', async () => {
    const dir = await dirs.make()
    const s = await DiskStorage.open(dir, { sync: false, maxEntryBytes: 100 })
    await s.save(undefined, [ent(1, 1)])
    const big = { ...ent(2, 1), data: new Uint8Array(200) }
    await expect(s.save(undefined, [big])).rejects.toBeInstanceOf(RecordTooLargeError)
    expect(s.lastIndex()).toBe(1)
    await s.save(undefined, [ent(2, 1)])
    await s.close()
  })
})

describe('DiskStorage snapshots and compaction', () => {
  it('keeps the WAL bounded by compaction while much more is written', async () => {
    const dir = await dirs.make()
    const s = await DiskStorage.open(dir, { sync: false })
    const data = new Uint8Array(1024).fill(7)
    let index = 0
    let written = 0
    const sizes: number[] = []
    for (let round = 0; round < 10; round++) {
      for (let k = 0; k < 50; k++) {
        const batch = Array.from({ length: 4 }, () => ({ index: ++index, term: 1, type: 'normal' as const, data }))
        await s.save({ term: 1, vote: 'a', commit: index }, batch)
        written += 4 * data.byteLength
      }
      await s.createSnapshot(index, confState(['a']), new Uint8Array(16))
      // Keep a few entries behind the snapshot for slow followers, as a driver would.
      await s.compact(index - 10)
      const onDisk = (await stat(join(dir, WAL_FILE))).size
      expect(onDisk).toBe(s.walBytes())
      sizes.push(onDisk)
    }
    expect(written).toBeGreaterThan(2_000_000)
    expect(Math.max(...sizes)).toBeLessThan(12 * 1024)
    expect(s.firstIndex()).toBe(index - 9)
    await s.close()
    const again = await DiskStorage.open(dir, { sync: false })
    expect(again.firstIndex()).toBe(index - 9)
    expect(again.lastIndex()).toBe(index)
    await again.close()
  })

  it('keeps only the newest two snapshot files', async () => {
    const dir = await dirs.make()
    const s = await DiskStorage.open(dir, { sync: false })
    await s.save(undefined, ents(1, 10, 1))
    for (const i of [2, 4, 6, 8, 10]) await s.createSnapshot(i, confState(['a']), new Uint8Array([i]))
    expect((await new SnapshotStore(dir).list()).map((at) => at.index)).toEqual([8, 10])
    await s.close()
  })

  it('falls back to the older snapshot when the newest is damaged and the log still covers it', async () => {
    const dir = await dirs.make()
    const s = await DiskStorage.open(dir, { sync: false })
    await s.save({ term: 1, vote: 'a', commit: 10 }, ents(1, 10, 1))
    await s.createSnapshot(4, confState(['a']), new Uint8Array([4]))
    await s.compact(4)
    await s.createSnapshot(8, confState(['a']), new Uint8Array([8]))
    await s.close()
    const newest = (await readdir(dir)).find((n) => n.startsWith('snap-0000000000000008'))!
    const buf = await readFile(join(dir, newest))
    buf[buf.length - 1] ^= 0xff
    await writeFile(join(dir, newest), buf)
    const again = await DiskStorage.open(dir, { sync: false })
    expect(again.snapshot().metadata.index).toBe(4)
    expect(again.recovery.skippedSnapshots).toHaveLength(1)
    expect(again.recovery.skippedSnapshots[0]).toContain(newest)
    expect(again.firstIndex()).toBe(5)
    expect(again.lastIndex()).toBe(10)
    // The damaged file is no compaction target.
    await expect(again.compact(8)).rejects.toBeInstanceOf(CompactBeyondSnapshotError)
    await again.close()
  })

  it('refuses to start when the log was compacted past every usable snapshot', async () => {
    const dir = await dirs.make()
    const s = await DiskStorage.open(dir, { sync: false })
    await s.save({ term: 1, vote: 'a', commit: 10 }, ents(1, 10, 1))
    await s.createSnapshot(8, confState(['a']), new Uint8Array([8]))
    await s.compact(8)
    await s.close()
    const [file] = (await readdir(dir)).filter((n) => n.startsWith('snap-'))
    await writeFile(join(dir, file!), 'garbage')
    const err = await failure(DiskStorage.open(dir, { sync: false }))
    expect(err).toBeInstanceOf(SnapshotMissingError)
    expect((err as Error).message).toContain('refuses to start')
  })

  it('ignores and removes a snapshot file the WAL never referenced (crash before the WAL write)', async () => {
    const dir = await dirs.make()
    const s = await DiskStorage.open(dir, { sync: false })
    await s.save({ term: 1, vote: 'a', commit: 2 }, ents(1, 5, 1))
    await s.close()
    await new SnapshotStore(dir, { sync: false }).write(snap(100, 9))
    await writeFile(join(dir, 'snap-0000000000000064-0000000000000009.snap.tmp'), 'partial')
    const again = await DiskStorage.open(dir, { sync: false })
    expect(again.snapshot().metadata.index).toBe(0)
    expect(again.lastIndex()).toBe(5)
    expect((await readdir(dir)).filter((n) => n.startsWith('snap-'))).toEqual([])
    await again.close()
  })

  it('refuses to compact past the newest durable snapshot', async () => {
    const dir = await dirs.make()
    const s = await DiskStorage.open(dir, { sync: false })
    await s.save(undefined, ents(1, 5, 1))
    await expect(s.compact(3)).rejects.toBeInstanceOf(CompactBeyondSnapshotError)
    await s.createSnapshot(3, confState(['a']), new Uint8Array())
    await s.compact(3)
    expect(s.firstIndex()).toBe(4)
    await s.close()
  })
})
