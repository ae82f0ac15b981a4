import type { Logger } from 'pino'
import type { ChangeRecord } from './event-history.js'
import type { ObjectFilter, WatchEvent } from './object-filter.js'
import type { ObjectIndex } from './object-index.js'
import { WatchStream } from './watch-stream.js'

export interface WatchHubComponents {
  index: ObjectIndex
  logger: Logger
}

export interface WatchHubInit {
  /** Events a stream may hold for a slow consumer before it is cut off. */
  maxQueued?: number
}

export interface WatchRequest {
  kind: string
  filter: ObjectFilter
  /** Resume after this resourceVersion; undefined: start with ADDED for every current object. */
  since: number | undefined
  signal?: AbortSignal
}

interface Subscriber {
  kind: string
  filter: ObjectFilter
  deliver(event: WatchEvent): void
}

/**
 * Fans index changes out to watchers. The replay (history or current objects) and the
 * registration for live changes happen in one synchronous step, so a watcher sees every change
 * after its starting point exactly once.
 */
export class WatchHub {
  private readonly subscribers = new Set<Subscriber>()
  private readonly streams = new Set<WatchStream>()
  private readonly maxQueued: number
  private unlisten: (() => void) | undefined

  constructor(
    private readonly components: WatchHubComponents,
    init: WatchHubInit = {},
  ) {
    this.maxQueued = init.maxQueued ?? 10_000
  }

  start(): void {
    this.unlisten = this.components.index.onChange((record) => this.dispatch(record))
  }

  stop(): void {
    this.unlisten?.()
    this.unlisten = undefined
    for (const stream of [...this.streams]) stream.close('stopped')
    this.subscribers.clear()
  }

  /** Throws ResourceVersionTooOldError when `since` is outside the history, before anything is registered. */
  watch(request: WatchRequest, maxQueued = this.maxQueued): WatchStream {
    const stream = new WatchStream(maxQueued)
    const subscriber: Subscriber = { kind: request.kind, filter: request.filter, deliver: (e) => stream.push(e) }
    const backlog = this.backlog(request)
    this.subscribers.add(subscriber)
    this.streams.add(stream)
    stream.attach(() => {
      this.subscribers.delete(subscriber)
      this.streams.delete(stream)
    }, request.signal)
    stream.preload(backlog)
    if (this.unlisten === undefined) stream.close('stopped')
    return stream
  }

  /**
   * Callback form for in-process consumers (controllers). Events are delivered from a microtask,
   * never from inside the document transaction, so a handler may write to the store. The queue
   * is unbounded: a handler sees every event, however many one transaction produced.
   */
  subscribe(request: WatchRequest, handler: (event: WatchEvent) => void): () => void {
    const stream = this.watch({ ...request, signal: undefined }, Infinity)
    void (async () => {
      for await (const event of stream) {
        try {
          handler(event)
        } catch (err) {
          this.components.logger.error({ err, kind: request.kind }, 'a watch handler threw')
        }
      }
    })()
    return () => stream.close()
  }

  private backlog(request: WatchRequest): WatchEvent[] {
    const { kind, filter, since } = request
    if (since !== undefined) {
      return this.components.index.history
        .since(since)
        .filter((r) => r.kind === kind)
        .map((r) => filter.eventFor(r))
        .filter((e) => e !== undefined)
    }
    const { index } = this.components
    return index
      .sortedKeys(kind)
      .map((key) => index.get(kind, key)!)
      .filter((o) => filter.matches(o))
      .map((object) => ({ type: 'ADDED', object }))
  }

  private dispatch(record: ChangeRecord): void {
    for (const s of this.subscribers) {
      if (s.kind !== record.kind) continue
      const event = s.filter.eventFor(record)
      if (event !== undefined) s.deliver(event)
    }
  }
}
