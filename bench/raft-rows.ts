// The raft benchmark's table: one row per system and measure, with our/etcd ratios beside ours.
import type { Row } from './lib/report.js'
import { summarize } from './lib/stats.js'
import type { LoadResult } from './raft-load.js'

export interface Measured {
  system: string
  /** How the writes reach raft (in-process RaftNode, agent HTTP, etcd gRPC), or why it was skipped. */
  path: string
  measure: string
  /** Operations measured for load; trials for failover. */
  n: number
  errors: number
  opsPerSec: number | null
  p50Ms: number | null
  p99Ms: number | null
  /** Failover trials in ms, in the order run, for the JSON (the table shows their median and p99). */
  samples?: number[]
}

export const FAILOVER = 'failover: kill -9 leader -> first commit'

export function loadMeasure(system: string, path: string, r: LoadResult): Measured {
  const measure = `commit, ${r.concurrency} writer${r.concurrency === 1 ? '' : 's'}`
  return { system, path, measure, n: r.ops, errors: r.errors, opsPerSec: r.opsPerSec, p50Ms: r.p50Ms, p99Ms: r.p99Ms }
}

export function failoverMeasure(system: string, path: string, samples: readonly number[], failed: number): Measured {
  const t = samples.length > 0 ? summarize(samples) : undefined
  return { system, path, measure: FAILOVER, n: samples.length, errors: failed, opsPerSec: null, p50Ms: t?.median ?? null, p99Ms: t?.p99 ?? null, samples: samples.map(Math.round) }
}

/** A measure that was not taken: its row says why, and it never carries numbers. */
export function skipped(system: string, why: string, measure: string): Measured {
  return { system, path: `skipped: ${why}`, measure, n: 0, errors: 0, opsPerSec: null, p50Ms: null, p99Ms: null }
}

function ratio(ours: number | null, theirs: number | null | undefined): number | null {
  return ours === null || theirs === null || theirs === undefined || theirs === 0 ? null : Math.round((ours / theirs) * 100) / 100
}

/** Rows in the order given; each non-etcd row gets ratios against etcd's row for the same measure. */
export function toRows(measured: readonly Measured[]): Row[] {
  return measured.map((m) => {
    const etcd = m.system === 'etcd' ? undefined : measured.find((o) => o.system === 'etcd' && o.measure === m.measure)
    return {
      system: m.system,
      path: m.path,
      measure: m.measure,
      n: m.n,
      errors: m.errors,
      'ops/s': m.opsPerSec === null ? null : Math.round(m.opsPerSec),
      'p50 ms': m.p50Ms,
      'p99 ms': m.p99Ms,
      'ops/s / etcd': ratio(m.opsPerSec, etcd?.opsPerSec),
      'p50 / etcd': ratio(m.p50Ms, etcd?.p50Ms),
      'p99 / etcd': ratio(m.p99Ms, etcd?.p99Ms),
    }
  })
}

/**
 * The aims of issue 3, checked against this run: throughput at least etcd's, failover within 1 s.
 * `primary` are the rows that stand for shoal (one per measure); the rest of `measured` is searched for etcd's.
 */
export function aims(primary: readonly Measured[], measured: readonly Measured[]): Record<string, string> {
  const out: Record<string, string> = {}
  for (const m of primary) {
    if (m.measure === FAILOVER) {
      out[`${m.measure} < 1000 ms`] = m.p50Ms === null ? 'not measured' : `median ${m.p50Ms < 1000 ? 'met' : 'missed'} (${Math.round(m.p50Ms)} ms), p99 ${m.p99Ms! < 1000 ? 'met' : 'missed'} (${Math.round(m.p99Ms!)} ms)`
      continue
    }
    const etcd = measured.find((o) => o.system === 'etcd' && o.measure === m.measure)
    const r = ratio(m.opsPerSec, etcd?.opsPerSec)
    out[`${m.measure} >= etcd`] = r === null ? 'not compared (etcd skipped)' : `${r >= 1 ? 'met' : 'missed'} (${r}x)`
  }
  return out
}
