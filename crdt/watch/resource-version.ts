import { InvalidResourceVersionError } from '../errors.js'

/**
 * This node's resourceVersion counter. It is not persisted: it starts from the wall clock in
 * microseconds, so after a restart it is above every value the previous run issued unless that
 * run averaged more than one change per microsecond or the clock stepped back across the restart.
 * The event history starts empty after a restart, so a client resuming from an old value gets
 * ResourceVersionTooOldError (410) and re-lists, exactly as after a Kubernetes compaction.
 * Microseconds since 1970 stay below 2^53 until the year 2255.
 */
export class ResourceVersionClock {
  private value: number

  constructor(seed: number = Date.now() * 1000) {
    this.value = seed
  }

  get current(): number {
    return this.value
  }

  next(): number {
    return ++this.value
  }
}

export function parseResourceVersion(text: string): number {
  if (!/^\d{1,16}$/.test(text)) throw new InvalidResourceVersionError(text)
  const value = Number(text)
  if (!Number.isSafeInteger(value)) throw new InvalidResourceVersionError(text)
  return value
}
