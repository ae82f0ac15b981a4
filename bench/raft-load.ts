// Closed-loop load for the raft benchmark: each worker issues one operation, awaits it, repeats.
import { performance } from 'node:perf_hooks'
import { summarize } from './lib/stats.js'
import { sleep } from '../test/harness/wait.js'

/** One operation; `worker` and `seq` let the caller vary keys without sharing state. */
export type Operation = (worker: number, seq: number) => Promise<unknown>

export interface LoadOptions {
  concurrency: number
  durationMs: number
  /** Run the same load this long first, unmeasured, so the JIT, connections and disk caches are warm. */
  warmupMs?: number
}

export interface LoadResult {
  concurrency: number
  ops: number
  errors: number
  seconds: number
  opsPerSec: number
  p50Ms: number
  p99Ms: number
  /** The first error seen, so a run that failed says why instead of only counting. */
  firstError?: string
}

interface Samples {
  latencies: number[]
  errors: number
  firstError?: string
}

async function worker(op: Operation, w: number, until: number, into: Samples): Promise<void> {
  for (let seq = 0; performance.now() < until; seq++) {
    const t = performance.now()
    try {
      await op(w, seq)
      into.latencies.push(performance.now() - t)
    } catch (err) {
      into.errors++
      into.firstError ??= err instanceof Error ? `${err.name}: ${err.message}` : String(err)
      // A failing system answers at once; back off so errors do not spin the event loop.
      await sleep(5)
    }
  }
}

async function run(op: Operation, concurrency: number, durationMs: number): Promise<{ samples: Samples; seconds: number }> {
  const samples: Samples = { latencies: [], errors: 0 }
  const start = performance.now()
  const until = start + durationMs
  await Promise.all(Array.from({ length: concurrency }, (_, w) => worker(op, w, until, samples)))
  // Operations still in flight at the deadline are awaited and counted, so the window is until the last reply.
  return { samples, seconds: (performance.now() - start) / 1000 }
}

export async function closedLoop(op: Operation, options: LoadOptions): Promise<LoadResult> {
  if ((options.warmupMs ?? 0) > 0) await run(op, options.concurrency, options.warmupMs!)
  const { samples, seconds } = await run(op, options.concurrency, options.durationMs)
  const ops = samples.latencies.length
  const t = ops > 0 ? summarize(samples.latencies) : undefined
  return {
    concurrency: options.concurrency,
    ops,
    errors: samples.errors,
    seconds,
    opsPerSec: ops / seconds,
    p50Ms: t?.median ?? NaN,
    p99Ms: t?.p99 ?? NaN,
    ...(samples.firstError !== undefined ? { firstError: samples.firstError } : {}),
  }
}

/** A payload of exactly `bytes` bytes that starts with `prefix` (the rest is filler). */
export function payload(prefix: string, bytes: number): Uint8Array {
  const out = new Uint8Array(bytes).fill(0x78)
  out.set(new TextEncoder().encode(prefix).subarray(0, bytes))
  return out
}
