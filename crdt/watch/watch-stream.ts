import type { WatchEvent } from './object-filter.js'

export type WatchCloseReason = 'closed' | 'aborted' | 'overflow' | 'stopped'

/**
 * One watcher's queue, consumed as an async iterable. It never blocks the document: a consumer
 * more than `maxQueued` events behind is cut off (the iteration ends with closeReason
 * 'overflow'), and the client re-watches from the last resourceVersion it saw, as Kubernetes
 * clients do when the server closes a watch.
 */
export class WatchStream implements AsyncIterable<WatchEvent> {
  closeReason: WatchCloseReason | undefined
  private queue: WatchEvent[] = []
  private head = 0
  /** Preloaded events not yet consumed (they sit at the front of the queue). */
  private backlog = 0
  private waiter: ((result: IteratorResult<WatchEvent>) => void) | undefined
  private detach: () => void = () => {}

  constructor(private readonly maxQueued: number) {}

  get closed(): boolean {
    return this.closeReason !== undefined
  }

  /** Called once by the hub with the function that unregisters this stream. */
  attach(detach: () => void, signal?: AbortSignal): void {
    this.detach = detach
    if (signal === undefined) return
    if (signal.aborted) this.close('aborted')
    else signal.addEventListener('abort', () => this.close('aborted'), { once: true })
  }

  /** Queue the replay that precedes live events; it does not count against `maxQueued`. */
  preload(events: WatchEvent[]): void {
    if (this.closed) return
    for (const e of events) this.queue.push(e)
    this.backlog += events.length
  }

  push(event: WatchEvent): void {
    if (this.closed) return
    if (this.waiter !== undefined) {
      const resolve = this.waiter
      this.waiter = undefined
      resolve({ value: event, done: false })
    } else if (this.queue.length - this.head - this.backlog >= this.maxQueued) {
      this.close('overflow')
    } else {
      this.queue.push(event)
    }
  }

  close(reason: WatchCloseReason = 'closed'): void {
    if (this.closed) return
    this.closeReason = reason
    this.queue = []
    this.head = 0
    this.detach()
    const resolve = this.waiter
    this.waiter = undefined
    resolve?.({ value: undefined, done: true })
  }

  private next(): Promise<IteratorResult<WatchEvent>> {
    if (this.head < this.queue.length) {
      const value = this.queue[this.head++]!
      if (this.backlog > 0) this.backlog--
      if (this.head > 1024 && this.head * 2 > this.queue.length) {
        this.queue = this.queue.slice(this.head)
        this.head = 0
      }
      return Promise.resolve({ value, done: false })
    }
    if (this.closed) return Promise.resolve({ value: undefined, done: true })
    return new Promise((resolve) => {
      this.waiter = resolve
    })
  }

  [Symbol.asyncIterator](): AsyncIterator<WatchEvent> {
    return {
      next: () => this.next(),
      return: () => {
        this.close()
        return Promise.resolve({ value: undefined, done: true })
      },
    }
  }
}
