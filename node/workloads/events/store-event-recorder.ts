import type { ObjectStore } from '../../../crdt/index.js'
import { dedupeKey, newEvent } from '../../controllers/index.js'
import type { Logger } from '../../logger.js'
import type { EventSink, ObjectRef } from './event-sink.js'

interface Seen {
  name: string
  namespace: string
  count: number
  firstTimestamp: string
  lastWrite: number
  pending: boolean
}

export interface StoreEventRecorderInit {
  /** The component events are reported as (source.component). */
  component: string
  /** This node's name (source.host). */
  host: string
  /** Repeats of one event within this window bump its count instead of adding objects. */
  aggregateMs?: number
  /** At most one write per event key this often; repeats in between are folded in. */
  minWriteIntervalMs?: number
  now?: () => number
}

/**
 * Records Kubernetes Events in the replicated store, aggregating repeats the way Kubernetes'
 * recorder does (same object, reason, type and message → one Event with a count), so a crash loop
 * does not flood the store. Writes are fire-and-forget: reporting must never block the caller.
 */
export class StoreEventRecorder implements EventSink {
  private readonly seen = new Map<string, Seen>()
  private readonly now: () => number

  constructor(
    private readonly components: { store: ObjectStore; logger: Logger },
    private readonly init: StoreEventRecorderInit,
  ) {
    this.now = init.now ?? Date.now
  }

  record(ref: ObjectRef, type: 'Normal' | 'Warning', reason: string, message: string): void {
    const now = this.now()
    const event = newEvent({
      // A cluster-scoped object (a Node) has no namespace; newEvent files its events in 'default'.
      involvedObject: { kind: ref.kind, ...(ref.namespace !== undefined ? { namespace: ref.namespace } : {}), name: ref.name, ...(ref.uid !== undefined ? { uid: ref.uid } : {}) },
      reason,
      message,
      type,
      source: { component: this.init.component, host: this.init.host },
      now,
    })
    const key = dedupeKey(event)
    const prev = this.seen.get(key)
    if (prev !== undefined && now - prev.lastWrite < (this.init.aggregateMs ?? 10 * 60_000)) {
      prev.count++
      if (prev.pending) return
      const wait = (this.init.minWriteIntervalMs ?? 1000) - (now - prev.lastWrite)
      if (wait > 0) {
        prev.pending = true
        setTimeout(() => this.flush(prev), wait).unref()
        return
      }
      this.flush(prev)
      return
    }
    this.trim()
    this.seen.set(key, { name: event.metadata.name, namespace: event.metadata.namespace, count: 1, firstTimestamp: event.firstTimestamp, lastWrite: now, pending: false })
    this.components.store.create('events', event as never).catch((err: unknown) => this.components.logger.debug({ err, reason }, 'event not recorded'))
  }

  private flush(s: Seen): void {
    s.pending = false
    s.lastWrite = this.now()
    const patch = { count: s.count, lastTimestamp: new Date(s.lastWrite).toISOString() }
    this.components.store.patch('events', s.namespace, s.name, patch).catch((err: unknown) => this.components.logger.debug({ err }, 'event update failed'))
  }

  /** Bound the memory of seen events: forget the oldest beyond 5,000 keys. */
  private trim(): void {
    if (this.seen.size < 5000) return
    const oldest = [...this.seen.entries()].sort((a, b) => a[1].lastWrite - b[1].lastWrite).slice(0, 1000)
    for (const [k] of oldest) this.seen.delete(k)
  }
}
