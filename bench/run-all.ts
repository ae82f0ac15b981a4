// `npm run bench`: every benchmark in turn, then one combined report. Each benchmark also writes
// its own bench/results/<name>.json; this adds latest.json (the newest of each) and latest.md (tables).
import { readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { repoRoot } from '../lib/repo-root.js'
import type { BenchReport } from './lib/report.js'
import { formatTable } from './lib/table.js'

interface Bench {
  /** The name its report() call writes under. */
  name: string
  run: () => Promise<void>
}

const BENCHES: Bench[] = [
  { name: 'scheduler', run: async () => (await import('./scheduler.js')).main() },
  { name: 'raft-wal', run: async () => (await import('./raft-wal.js')).main() },
  { name: 'raft-transport', run: async () => (await import('./raft-transport.js')).main() },
  { name: 'raft', run: async () => (await import('./raft.js')).main() },
  { name: 'crdt-store', run: async () => (await import('./crdt-store.js')).main() },
  { name: 'crdt-propagation', run: async () => (await import('./crdt-propagation.js')).main() },
  { name: 'membership', run: async () => (await import('./membership.js')).main() },
  { name: 'proxy', run: async () => (await import('./proxy.js')).main() },
  { name: 'workloads', run: async () => (await import('./workloads.js')).main() },
]

export async function main(only: string[] = []): Promise<void> {
  const dir = join(repoRoot(), 'bench', 'results')
  const started = new Date().toISOString()
  const outcomes: { name: string; ok: boolean; error?: string; seconds: number }[] = []
  for (const b of BENCHES.filter((x) => only.length === 0 || only.includes(x.name))) {
    const t0 = Date.now()
    process.stdout.write(`\n=== ${b.name}\n`)
    try {
      await b.run()
      outcomes.push({ name: b.name, ok: true, seconds: Math.round((Date.now() - t0) / 1000) })
    } catch (err) {
      // One failed benchmark must not take the others' numbers with it.
      outcomes.push({ name: b.name, ok: false, error: (err as Error).message, seconds: Math.round((Date.now() - t0) / 1000) })
      process.stderr.write(`benchmark ${b.name} failed: ${(err as Error).stack ?? String(err)}\n`)
    }
  }
  // The newest report of every benchmark, so that rerunning one (`npm run bench -- raft`) keeps
  // the others' tables; each table says when it was measured.
  const reports: BenchReport[] = []
  for (const b of BENCHES) {
    const text = await readFile(join(dir, `${b.name}.json`), 'utf8').catch(() => undefined)
    if (text !== undefined) reports.push(JSON.parse(text) as BenchReport)
  }
  await writeFile(join(dir, 'latest.json'), JSON.stringify({ started, finished: new Date().toISOString(), outcomes, reports }, null, 2) + '\n')
  const md = [
    `# shoal benchmarks`,
    '',
    `Last run ${started}, ${reports[0]?.environment.cpus ?? '?'} cpus (${reports[0]?.environment.cpuModel ?? ''}), node ${process.version}.`,
    '',
    ...reports.flatMap((r) => [
      `## ${r.name}`,
      '',
      `Measured ${r.date}.`,
      '',
      ...Object.entries(r.meta).map(([k, v]) => `- ${k}: ${typeof v === 'string' ? v : JSON.stringify(v)}`),
      '',
      formatTable(r.rows),
      '',
    ]),
    ...outcomes.filter((o) => !o.ok).map((o) => `**${o.name} failed:** ${o.error ?? ''}\n`),
  ].join('\n')
  await writeFile(join(dir, 'latest.md'), md)
  process.stdout.write(`\nwrote ${join(dir, 'latest.json')} and latest.md; ${outcomes.filter((o) => o.ok).length}/${outcomes.length} benchmarks ran\n`)
  if (outcomes.some((o) => !o.ok)) process.exitCode = 1
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) await main(process.argv.slice(2))
