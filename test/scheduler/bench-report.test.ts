// The shared benchmark reporter (bench/lib), which bench/scheduler.ts is the first user of.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { report } from '../../bench/lib/report.js'
import { percentile, summarize } from '../../bench/lib/stats.js'
import { formatTable } from '../../bench/lib/table.js'

const dirs: string[] = []
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true })
})

describe('bench/lib', () => {
  it('percentile is nearest-rank, so it is always a measured value', () => {
    const sorted = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]
    expect(percentile(sorted, 50)).toBe(5)
    expect(percentile(sorted, 99)).toBe(10)
    expect(percentile(sorted, 0)).toBe(1)
    expect(summarize([30, 10, 20])).toEqual({ runs: 3, min: 10, median: 20, mean: 20, p99: 30, max: 30 })
    expect(() => percentile([], 50)).toThrow()
  })

  it('formats a markdown table with numbers right-aligned and columns from all rows', () => {
    const table = formatTable([
      { name: 'spread', 'ops/s': 45815, ms: 215.25 },
      { name: 'binpack', 'ops/s': 1234, ok: true },
    ])
    expect(table).toBe(
      [
        '| name    |  ops/s |  ms |   ok |',
        '|---------|-------:|----:|-----:|',
        '| spread  | 45,815 | 215 |    - |',
        '| binpack |  1,234 |   - | true |',
      ].join('\n'),
    )
  })

  it('writes rows, meta and the environment to <outDir>/<name>.json', () => {
    const dir = mkdtempSync(join(tmpdir(), 'shoal-bench-'))
    dirs.push(dir)
    const path = report('demo', [{ a: 1.5 }], { seed: 3 }, { outDir: dir, quiet: true })
    expect(path).toBe(join(dir, 'demo.json'))
    const body = JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>
    expect(body).toMatchObject({ name: 'demo', meta: { seed: 3 }, rows: [{ a: 1.5 }], environment: { node: process.version } })
  })
})
