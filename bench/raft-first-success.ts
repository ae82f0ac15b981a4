// Failover timing shared by shoal and etcd: after a leader is killed, keep firing writes until one
// succeeds, and report when the first success arrived.
import { performance } from 'node:perf_hooks'
import { sleep } from '../test/harness/wait.js'

/** One write; resolves true when it committed, false (or rejects) when it did not. */
export type Attempt = () => Promise<boolean>

export interface FirstSuccessOptions {
  /** How often a new round of attempts is fired, whether or not earlier ones have answered. */
  intervalMs?: number
  timeoutMs?: number
}

export class FailoverTimeoutError extends Error {
  override name = 'FailoverTimeoutError'
}

/**
 * Every `intervalMs`, asks `round()` for the writes to fire now (it may first look for a leader)
 * and fires them without waiting for earlier ones: a write stuck on a dead leader must not delay
 * the next. Resolves with ms from `since` (a performance.now() value) to the first success.
 * Replies that arrive after the first success are ignored.
 */
export async function firstSuccess(round: () => Promise<Attempt[]>, since: number, options: FirstSuccessOptions = {}): Promise<number> {
  const interval = options.intervalMs ?? 10
  const deadline = since + (options.timeoutMs ?? 30_000)
  let at: number | undefined
  const fire = (attempt: Attempt): void => {
    attempt().then(
      (ok) => {
        if (ok && at === undefined) at = performance.now()
      },
      () => undefined,
    )
  }
  while (at === undefined) {
    if (performance.now() > deadline) throw new FailoverTimeoutError(`no write succeeded within ${options.timeoutMs ?? 30_000} ms`)
    const attempts = await round().catch((): Attempt[] => [])
    for (const attempt of attempts) fire(attempt)
    await sleep(interval)
  }
  return at - since
}
