import { mkdirSync, writeFileSync } from 'node:fs'
import { cpus, platform, release } from 'node:os'
import { join } from 'node:path'
import { repoRoot } from '../../lib/repo-root.js'
import { formatTable, type Row } from './table.js'

export type { Cell, Row } from './table.js'

export interface ReportOptions {
  /** Where <name>.json goes; default bench/results in the checkout (see resultsDir). */
  outDir?: string
  /** Skip printing the table (the JSON is still written). */
  quiet?: boolean
}

export interface BenchReport {
  name: string
  date: string
  environment: { node: string; platform: string; cpus: number; cpuModel: string }
  meta: Readonly<Record<string, unknown>>
  rows: readonly Row[]
}

/**
 * Prints a benchmark's rows as a table under a "## name" heading and writes them, with the
 * environment they were measured in, to <outDir>/<name>.json. Returns the file's path.
 */
export function report(name: string, rows: readonly Row[], meta: Readonly<Record<string, unknown>> = {}, options: ReportOptions = {}): string {
  const body: BenchReport = {
    name,
    date: new Date().toISOString(),
    environment: { node: process.version, platform: `${platform()} ${release()}`, cpus: cpus().length, cpuModel: cpus()[0]?.model ?? 'unknown' },
    meta,
    rows,
  }
  const dir = options.outDir ?? resultsDir()
  mkdirSync(dir, { recursive: true })
  const path = join(dir, `${name}.json`)
  writeFileSync(path, `${JSON.stringify(body, null, 2)}\n`)
  if (options.quiet !== true) {
    const metaLine = Object.entries(meta).map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`).join(' ')
    process.stdout.write(`\n## ${name}\n\n${metaLine === '' ? '' : `${metaLine}\n\n`}${formatTable(rows)}\n\n(written to ${path})\n`)
  }
  return path
}

/**
 * bench/results in the checkout this module was built from, whether it runs from source or from
 * dist/; a build outside the checkout (a scratch outDir) writes under the working directory.
 */
export function resultsDir(): string {
  let root: string
  try {
    root = repoRoot()
  } catch {
    root = process.cwd()
  }
  return join(root, 'bench', 'results')
}
