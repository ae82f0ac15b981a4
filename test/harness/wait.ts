export class WaitTimeoutError extends Error {
  override name = 'WaitTimeoutError'
}

export interface WaitOptions {
  timeoutMs?: number
  intervalMs?: number
  /** Shown when the wait times out, with the last value or error seen. */
  message?: string
}

/**
 * Poll until `fn` returns a truthy value (which is returned) or the timeout passes. Errors thrown
 * by `fn` count as "not yet", so a condition can call an API that is still starting.
 */
export async function waitFor<T>(fn: () => T | Promise<T>, opts: WaitOptions = {}): Promise<NonNullable<T>> {
  const deadline = Date.now() + (opts.timeoutMs ?? 20_000)
  let last: unknown
  for (;;) {
    try {
      const v = await fn()
      if (v) return v as NonNullable<T>
      last = v
    } catch (err) {
      last = err
    }
    if (Date.now() > deadline) {
      const detail = last instanceof Error ? last.message : JSON.stringify(last)
      throw new WaitTimeoutError(`${opts.message ?? 'condition not met'} within ${opts.timeoutMs ?? 20_000} ms (last: ${detail})`)
    }
    await sleep(opts.intervalMs ?? 50)
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms))
}
