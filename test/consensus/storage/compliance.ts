import { afterEach, describe, expect, it } from 'vitest'
import type { ConfState, Entry, HardState, Snapshot } from '../../../consensus/core/types.js'
import { emptyConfState } from '../../../consensus/core/types.js'
import { CompactedError, SnapshotOutOfDateError, UnavailableError } from '../../../consensus/storage/storage.js'
import type { RaftStorage } from '../../../consensus/storage/storage.js'

export interface StorageHarness {
  name: string
  /** A fresh, empty storage. */
  create(): Promise<RaftStorage>
  /** Simulate a restart: close and recover from what is durable. Only for storages that persist. */
  reopen?(storage: RaftStorage): Promise<RaftStorage>
  /** Release everything created since the last cleanup. */
  cleanup?(): Promise<void>
}

export function ent(index: number, term: number, data = `e${index}t${term}`): Entry {
  return { index, term, type: 'normal', data: new TextEncoder().encode(data) }
}

export function ents(from: number, to: number, term: number): Entry[] {
  return Array.from({ length: to - from + 1 }, (_, i) => ent(from + i, term))
}

export function confState(voters: string[], learners: string[] = []): ConfState {
  return { ...emptyConfState(), voters, learners }
}

export function snap(index: number, term: number, data = `state@${index}`): Snapshot {
  return { metadata: { index, term, confState: confState(['a', 'b', 'c']) }, data: new TextEncoder().encode(data) }
}

/** Everything a reader can observe, for comparing a storage before and after a restart. */
export function observe(s: RaftStorage): unknown {
  const first = s.firstIndex()
  const last = s.lastIndex()
  return {
    initialState: s.initialState(),
    first,
    last,
    baseTerm: s.term(first - 1),
    entries: s.entries(first, last + 1),
    snapshot: s.snapshot(),
  }
}

/** The log as after etcd's storage tests: snapshot at 3 (term 3), then entries 4 and 5. */
async function snapshotThenTwo(s: RaftStorage): Promise<void> {
  await s.applySnapshot(snap(3, 3))
  await s.save(undefined, [ent(4, 4), ent(5, 5)])
}

/** Register the RaftStorage contract tests that every implementation must pass. */
export function storageCompliance(h: StorageHarness): void {
  describe(`${h.name}: RaftStorage compliance`, () => {
    const open: RaftStorage[] = []
    const create = async (): Promise<RaftStorage> => {
      const s = await h.create()
      open.push(s)
      return s
    }
    afterEach(async () => {
      for (const s of open.splice(0)) await s.close().catch(() => undefined)
      await h.cleanup?.()
    })

    it('starts empty', async () => {
      const s = await create()
      expect(s.firstIndex()).toBe(1)
      expect(s.lastIndex()).toBe(0)
      expect(s.term(0)).toBe(0)
      expect(s.entries(1, 1)).toEqual([])
      expect(s.snapshot().metadata.index).toBe(0)
      expect(s.initialState()).toEqual({ hardState: { term: 0, vote: '', commit: 0 }, confState: emptyConfState() })
    })

    it('answers term() from firstIndex()-1 to lastIndex() and errs outside', async () => {
      const s = await create()
      await snapshotThenTwo(s)
      expect(() => s.term(2)).toThrow(CompactedError)
      expect(s.term(3)).toBe(3)
      expect(s.term(4)).toBe(4)
      expect(s.term(5)).toBe(5)
      expect(() => s.term(6)).toThrow(UnavailableError)
      expect(s.firstIndex()).toBe(4)
      expect(s.lastIndex()).toBe(5)
    })

    it('returns entries in [lo, hi), capped by bytes but never empty', async () => {
      const s = await create()
      await snapshotThenTwo(s)
      await s.save(undefined, [ent(6, 6)])
      expect(() => s.entries(3, 5)).toThrow(CompactedError)
      expect(() => s.entries(4, 8)).toThrow(UnavailableError)
      expect(s.entries(4, 5)).toEqual([ent(4, 4)])
      expect(s.entries(4, 7)).toEqual([ent(4, 4), ent(5, 5), ent(6, 6)])
      expect(s.entries(4, 7, 0)).toEqual([ent(4, 4)])
      const size = (e: Entry): number => e.data.byteLength
      const capped = s.entries(4, 7, size(ent(4, 4)) + size(ent(5, 5)) + 48)
      expect(capped).toEqual([ent(4, 4), ent(5, 5)])
    })

    it('appends, ignoring entries already compacted away', async () => {
      const s = await create()
      await snapshotThenTwo(s)
      await s.save(undefined, [ent(3, 3), ent(4, 4), ent(5, 5), ent(6, 6)])
      expect(s.entries(4, 7)).toEqual([ent(4, 4), ent(5, 5), ent(6, 6)])
      await s.save(undefined, [ent(1, 1), ent(2, 2)])
      expect(s.lastIndex()).toBe(6)
    })

    it('truncates a conflicting suffix when a new leader overwrites it', async () => {
      const s = await create()
      await s.save(undefined, ents(1, 10, 1))
      await s.save(undefined, [ent(6, 2), ent(7, 2)])
      expect(s.lastIndex()).toBe(7)
      expect(s.entries(1, 8)).toEqual([...ents(1, 5, 1), ent(6, 2), ent(7, 2)])
      await s.save(undefined, [ent(8, 2)])
      expect(s.term(8)).toBe(2)
    })

    it('refuses to append past a gap', async () => {
      const s = await create()
      await s.save(undefined, ents(1, 3, 1))
      await expect(s.save(undefined, [ent(5, 1)])).rejects.toThrow()
      expect(s.lastIndex()).toBe(3)
    })

    it('saves the hard state and reports it with the snapshot conf state', async () => {
      const s = await create()
      const hs: HardState = { term: 7, vote: 'b', commit: 0 }
      await s.save(hs, [])
      expect(s.initialState().hardState).toEqual(hs)
      await s.save(undefined, ents(1, 4, 7))
      await s.createSnapshot(2, confState(['a', 'b'], ['z']), new Uint8Array([9]))
      expect(s.initialState()).toEqual({ hardState: hs, confState: confState(['a', 'b'], ['z']) })
    })

    it('creates snapshots from the log and refuses stale or future ones', async () => {
      const s = await create()
      await s.save(undefined, [...ents(1, 3, 1), ...ents(4, 5, 2)])
      const made = await s.createSnapshot(4, confState(['a']), new Uint8Array([1, 2]))
      expect(made.metadata).toEqual({ index: 4, term: 2, confState: confState(['a']) })
      expect(s.snapshot()).toEqual(made)
      // Taking a snapshot does not drop the log; compaction does.
      expect(s.firstIndex()).toBe(1)
      await expect(s.createSnapshot(4, confState(['a']), new Uint8Array())).rejects.toBeInstanceOf(SnapshotOutOfDateError)
      await expect(s.createSnapshot(9, confState(['a']), new Uint8Array())).rejects.toBeInstanceOf(UnavailableError)
    })

    it('compacts the log up to a snapshot', async () => {
      const s = await create()
      await s.save(undefined, ents(1, 6, 1))
      await s.createSnapshot(4, confState(['a']), new Uint8Array())
      await s.compact(4)
      expect(s.firstIndex()).toBe(5)
      expect(s.term(4)).toBe(1)
      expect(() => s.entries(4, 6)).toThrow(CompactedError)
      expect(s.entries(5, 7)).toEqual(ents(5, 6, 1))
      await s.compact(2)
      expect(s.firstIndex()).toBe(5)
      await s.createSnapshot(6, confState(['a']), new Uint8Array())
      await s.compact(6)
      expect(s.firstIndex()).toBe(7)
      expect(s.lastIndex()).toBe(6)
      await s.save(undefined, [ent(7, 2)])
      expect(s.entries(7, 8)).toEqual([ent(7, 2)])
    })

    it('installs a snapshot from the leader, replacing the whole log', async () => {
      const s = await create()
      await s.save({ term: 1, vote: 'a', commit: 2 }, ents(1, 5, 1))
      await s.applySnapshot(snap(20, 4))
      expect(s.firstIndex()).toBe(21)
      expect(s.lastIndex()).toBe(20)
      expect(s.term(20)).toBe(4)
      expect(s.snapshot()).toEqual(snap(20, 4))
      expect(s.initialState().hardState.commit).toBe(20)
      expect(s.initialState().confState).toEqual(snap(20, 4).metadata.confState)
      await expect(s.applySnapshot(snap(10, 4))).rejects.toBeInstanceOf(SnapshotOutOfDateError)
      await s.save(undefined, [ent(21, 4)])
      expect(s.entries(21, 22)).toEqual([ent(21, 4)])
    })

    const reopen = h.reopen?.bind(h)
    if (reopen) {
      describe('after a restart', () => {
        const restart = async (s: RaftStorage): Promise<RaftStorage> => {
          const before = observe(s)
          const again = await reopen(s)
          open.push(again)
          expect(observe(again)).toEqual(before)
          return again
        }

        it('recovers the hard state and log', async () => {
          const s = await create()
          await s.save({ term: 3, vote: 'c', commit: 2 }, ents(1, 4, 3))
          const again = await restart(s)
          expect(again.initialState().hardState).toEqual({ term: 3, vote: 'c', commit: 2 })
        })

        it('recovers an overwritten suffix as overwritten', async () => {
          const s = await create()
          await s.save({ term: 1, vote: 'a', commit: 0 }, ents(1, 10, 1))
          await s.save({ term: 2, vote: 'b', commit: 0 }, [ent(6, 2), ent(7, 2)])
          const again = await restart(s)
          expect(again.lastIndex()).toBe(7)
          expect(again.term(6)).toBe(2)
        })

        it('recovers after a snapshot and compaction, and keeps working', async () => {
          const s = await create()
          await s.save({ term: 2, vote: 'a', commit: 8 }, ents(1, 10, 2))
          await s.createSnapshot(8, confState(['a', 'b', 'c']), new Uint8Array([8]))
          await s.compact(8)
          const again = await restart(s)
          expect(again.firstIndex()).toBe(9)
          await again.save(undefined, [ent(11, 2)])
          expect(again.lastIndex()).toBe(11)
          await restart(again)
        })

        it('recovers an installed snapshot', async () => {
          const s = await create()
          await s.save({ term: 1, vote: 'a', commit: 1 }, ents(1, 3, 1))
          await s.applySnapshot(snap(50, 5))
          await s.save({ term: 5, vote: 'a', commit: 50 }, [ent(51, 5)])
          const again = await restart(s)
          expect(again.snapshot()).toEqual(snap(50, 5))
          expect(again.entries(51, 52)).toEqual([ent(51, 5)])
        })
      })
    }
  })
}
