import type { Message } from '../core/types.js'
import { BATCH_OVERHEAD_BOUND, encodedSizeBound } from '../wire/codec.js'

/**
 * The bounded queue of messages waiting for one peer's stream. When full it drops the oldest
 * messages that are not snapshots: Raft tolerates loss (heartbeats and appends are resent), while
 * a dropped snapshot would cost a whole new one. Snapshots alone may exceed the bound.
 */
export class SendQueue {
  private items: Message[] = []
  /** Messages dropped because the queue was full, since creation. */
  dropped = 0

  constructor(private readonly max: number) {}

  get length(): number {
    return this.items.length
  }

  push(messages: readonly Message[]): void {
    this.items.push(...messages)
    let excess = this.items.length - this.max
    if (excess <= 0) return
    this.items = this.items.filter((m) => {
      if (excess > 0 && m.type !== 'snap') {
        excess--
        this.dropped++
        return false
      }
      return true
    })
  }

  /**
   * Take messages from the head for one frame: as many as fit in `maxBytes` by their encoded size
   * bound, at most `maxCount`, and always at least one (an oversized one is the caller's to refuse).
   */
  take(maxBytes: number, maxCount: number): { messages: Message[]; sizeBound: number } {
    let size = BATCH_OVERHEAD_BOUND
    let n = 0
    while (n < this.items.length && n < maxCount) {
      const next = encodedSizeBound(this.items[n]!)
      if (n > 0 && size + next > maxBytes) break
      size += next
      n++
    }
    return { messages: this.items.splice(0, n), sizeBound: size }
  }

  /** Remove everything, e.g. when the peer cannot be reached and the messages went stale. */
  clear(): Message[] {
    return this.items.splice(0)
  }
}
