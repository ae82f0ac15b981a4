import type { ServerResponse } from 'node:http'
import type { FastifyReply } from 'fastify'
import type { EventStream } from './resources/viewed-watch.js'

export interface WatchResponseOptions {
  /** End the stream after this long, as Kubernetes' `timeoutSeconds` does (0: no limit). */
  timeoutSeconds?: number
  /** How each event's object is sent (a one-row Table for kubectl). */
  present?: (object: unknown) => unknown
}

/** Resolves once the socket can take more, or is gone. */
function drained(res: ServerResponse): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      res.off('drain', done)
      res.off('close', done)
      resolve()
    }
    res.on('drain', done)
    res.on('close', done)
  })
}

/**
 * The watches this server is streaming, so that shutting the server down can end them: an open
 * watch would otherwise keep its connection, and the server's close, waiting forever.
 */
export class OpenWatches {
  private readonly open = new Set<EventStream>()

  get size(): number {
    return this.open.size
  }

  closeAll(): void {
    for (const w of [...this.open]) w.close()
  }

  /**
   * Stream `events` as newline-delimited JSON watch events until the client goes away, the
   * timeout passes, the server stops or the source ends. The caller has already started the
   * watch, so its errors (410, bad selector) were answered as a Status before this point.
   */
  async stream(reply: FastifyReply, events: EventStream, options: WatchResponseOptions = {}): Promise<void> {
    this.open.add(events)
    const res = reply.raw
    const stop = (): void => events.close()
    res.on('close', stop)
    const timer = options.timeoutSeconds ? setTimeout(stop, options.timeoutSeconds * 1000) : undefined
    reply.hijack()
    try {
      res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-cache, private', 'x-content-type-options': 'nosniff' })
      res.flushHeaders()
      for await (const event of events) {
        if (res.destroyed) break
        const sent = options.present === undefined ? event : { ...event, object: options.present(event.object) }
        if (!res.write(`${JSON.stringify(sent)}\n`)) await drained(res)
      }
    } finally {
      clearTimeout(timer)
      res.off('close', stop)
      events.close()
      this.open.delete(events)
      if (!res.destroyed) res.end()
    }
  }
}
