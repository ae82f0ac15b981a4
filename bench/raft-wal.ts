// Durable write rate of the Raft WAL (DiskStorage with fsync) on this machine's disk, and the time
// to recover a large log.
// Run: npx tsc -p tsconfig.build.json && node dist/bench/raft-wal.js   (or import { main }).
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { performance } from 'node:perf_hooks'
import { pathToFileURL } from 'node:url'
import type { Entry } from '../consensus/core/types.js'
import { DiskStorage } from '../consensus/storage/disk-storage.js'
import { report, type Row } from './lib/report.js'
import { summarize } from './lib/stats.js'

function batch(first: number, n: number, bytes: number): Entry[] {
  const data = new Uint8Array(bytes).fill(3)
  return Array.from({ length: n }, (_, k) => ({ term: 1, index: first + k, type: 'normal' as const, data }))
}

/** `saves` sequential save() calls of `perSave` entries each, as a leader persisting Readys. */
async function saves(dir: string, name: string, saves: number, perSave: number, entryBytes: number): Promise<Row> {
  const s = await DiskStorage.open(dir, { sync: true })
  const ms: number[] = []
  let index = s.lastIndex()
  const start = performance.now()
  for (let i = 0; i < saves; i++) {
    const t = performance.now()
    // A new vote each time forces the fsync even for the commit-only row.
    const hs = { term: 1, vote: perSave === 0 ? `v${i % 2}` : 'a', commit: index }
    await s.save(hs, perSave === 0 ? [] : batch(index + 1, perSave, entryBytes))
    index += perSave
    ms.push(performance.now() - t)
  }
  const seconds = (performance.now() - start) / 1000
  await s.close()
  const t = summarize(ms)
  return {
    case: name,
    saves,
    'entries/save': perSave,
    'saves/s': Math.round(saves / seconds),
    'entries/s': Math.round((saves * perSave) / seconds),
    'p50 ms': t.median,
    'p99 ms': t.p99,
  }
}

async function recovery(dir: string, entries: number): Promise<Row> {
  const s = await DiskStorage.open(dir, { sync: false })
  for (let i = 0; i < entries; i += 1000) await s.save({ term: 1, vote: 'a', commit: i }, batch(i + 1, 1000, 128))
  await s.close()
  const start = performance.now()
  const again = await DiskStorage.open(dir, { sync: false })
  const ms = performance.now() - start
  await again.close()
  return { case: `recover ${entries.toLocaleString('en-US')} entries of 128 B`, saves: null, 'entries/save': null, 'saves/s': null, 'entries/s': Math.round(entries / (ms / 1000)), 'p50 ms': ms, 'p99 ms': null }
}

/** Measures, prints the table and writes bench/results/raft-wal.json. */
export async function main(): Promise<void> {
  const root = await mkdtemp(join(tmpdir(), 'shoal-wal-bench-'))
  try {
    const rows = [
      await saves(join(root, 'a'), 'entry 128 B + hard state', 500, 1, 128),
      await saves(join(root, 'b'), '64 entries of 1 KiB', 200, 64, 1024),
      await saves(join(root, 'c'), 'vote change only', 500, 0, 0),
      await recovery(join(root, 'd'), 100_000),
    ]
    report('raft-wal', rows, { disk: root, note: 'each save is one write + fdatasync' })
  } finally {
    await rm(root, { recursive: true, force: true })
  }
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) await main()
