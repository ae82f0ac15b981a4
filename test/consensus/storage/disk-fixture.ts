import { cp, mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { DiskStorage } from '../../../consensus/storage/disk-storage.js'
import type { DiskStorageInit } from '../../../consensus/storage/disk-storage.js'
import type { RaftStorage } from '../../../consensus/storage/storage.js'
import type { StorageHarness } from './compliance.js'

/** Temporary storage directories, removed by cleanup(). */
export class TempDirs {
  private dirs: string[] = []

  async make(): Promise<string> {
    const dir = await mkdtemp(join(tmpdir(), 'shoal-disk-'))
    this.dirs.push(dir)
    return dir
  }

  /** A copy of `dir` as a crash would leave it: whatever was written, nothing still buffered. */
  async crashCopy(dir: string): Promise<string> {
    const copy = await this.make()
    await cp(dir, copy, { recursive: true })
    return copy
  }

  async cleanup(): Promise<void> {
    for (const d of this.dirs.splice(0)) await rm(d, { recursive: true, force: true })
  }
}

/** DiskStorage for the compliance suite; reopen closes and recovers from the same directory. */
export function diskHarness(init: DiskStorageInit = { sync: false }): StorageHarness {
  const dirs = new TempDirs()
  const dirOf = new Map<RaftStorage, string>()
  return {
    name: 'DiskStorage',
    async create(): Promise<RaftStorage> {
      const dir = await dirs.make()
      const s = await DiskStorage.open(dir, init)
      dirOf.set(s, dir)
      return s
    },
    async reopen(s: RaftStorage): Promise<RaftStorage> {
      const dir = dirOf.get(s)!
      await s.close()
      const again = await DiskStorage.open(dir, init)
      dirOf.set(again, dir)
      return again
    },
    async cleanup(): Promise<void> {
      dirOf.clear()
      await dirs.cleanup()
    },
  }
}
