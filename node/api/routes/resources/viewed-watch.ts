import type { WatchEvent } from '../../../../crdt/index.js'
import type { ObjectFilter } from '../../../../crdt/watch/object-filter.js'
import type { ObjectView } from './object-source.js'

/** What a watch route streams: events until closed (by the client, a timeout or the server). */
export interface EventStream extends AsyncIterable<WatchEvent> {
  close(): void
}

/**
 * A watch seen through a view. When a field selector has to be evaluated on the viewed object
 * (a field the view overlays), this keeps the set of objects inside the selection so that an
 * object entering it is ADDED and one leaving it is DELETED, as the store does for stored fields.
 */
export class ViewedWatch implements EventStream {
  private readonly inside = new Set<string>()

  constructor(
    private readonly inner: EventStream,
    private readonly view: ObjectView,
    private readonly filter: ObjectFilter | undefined,
  ) {}

  close(): void {
    this.inner.close()
  }

  async *[Symbol.asyncIterator](): AsyncIterator<WatchEvent> {
    for await (const event of this.inner) {
      const out = this.translate(event)
      if (out !== undefined) yield out
    }
  }

  private translate(event: WatchEvent): WatchEvent | undefined {
    const object = this.view(event.object)
    if (this.filter === undefined) return { type: event.type, object }
    const key = `${object.metadata.namespace ?? ''}/${object.metadata.name}`
    const was = this.inside.has(key)
    const now = event.type !== 'DELETED' && this.filter.matches(object)
    if (now) {
      this.inside.add(key)
      return { type: was ? 'MODIFIED' : 'ADDED', object }
    }
    this.inside.delete(key)
    return was || (event.type === 'DELETED' && this.filter.matches(object)) ? { type: 'DELETED', object } : undefined
  }
}
