import type { ClientRequest, IncomingHttpHeaders, IncomingMessage } from 'node:http'
import { request } from 'node:http'
import type { KubeObject } from '../../crdt/index.js'
import type { TestApi } from './api.js'

export type WatchEventOf = { type: string; object: KubeObject }

/**
 * Reads newline-delimited watch events from a streaming response. It uses node:http rather than
 * fetch: after an aborted fetch, undici opens a spare connection that sends no request, which
 * keeps the server's close waiting for its header timeout.
 */
export class WatchReader {
  private buffer = ''
  private readonly lines: string[] = []
  private ended = false
  private wake: (() => void) | undefined

  private constructor(
    readonly status: number,
    readonly headers: IncomingHttpHeaders,
    private readonly req: ClientRequest,
    res: IncomingMessage,
  ) {
    res.setEncoding('utf8')
    res.on('data', (chunk: string) => {
      this.buffer += chunk
      let nl: number
      while ((nl = this.buffer.indexOf('\n')) >= 0) {
        this.lines.push(this.buffer.slice(0, nl))
        this.buffer = this.buffer.slice(nl + 1)
      }
      this.wake?.()
    })
    const end = (): void => {
      this.ended = true
      this.wake?.()
    }
    res.on('end', end)
    res.on('close', end)
  }

  static open(api: TestApi, path: string): Promise<WatchReader> {
    return new Promise((resolve, reject) => {
      const req = request(api.url + path, { headers: { authorization: `Bearer ${api.token}` }, agent: false }, (res) => {
        resolve(new WatchReader(res.statusCode ?? 0, res.headers, req, res))
      })
      req.on('error', reject)
      req.end()
    })
  }

  /** The next event, or undefined when the server ended the stream. */
  async next(timeoutMs = 10_000): Promise<WatchEventOf | undefined> {
    const deadline = Date.now() + timeoutMs
    while (this.lines.length === 0 && !this.ended) {
      const left = deadline - Date.now()
      if (left <= 0) throw new Error(`no watch event within ${timeoutMs} ms`)
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left)
        this.wake = () => {
          clearTimeout(timer)
          resolve()
        }
      })
    }
    const line = this.lines.shift()
    return line === undefined ? undefined : (JSON.parse(line) as WatchEventOf)
  }

  /**
   * Events up to the first that `match` accepts (which is returned). Agents' controllers write
   * statuses of their own (a pod that cannot be scheduled gets a condition), so a test waits for
   * the event it caused rather than assuming it is the next one.
   */
  async until(match: (e: WatchEventOf) => boolean, timeoutMs = 10_000): Promise<WatchEventOf> {
    const deadline = Date.now() + timeoutMs
    for (;;) {
      const e = await this.next(Math.max(1, deadline - Date.now()))
      if (e === undefined) throw new Error('the stream ended before the expected event')
      if (match(e)) return e
    }
  }

  /** The next `n` events. */
  async take(n: number): Promise<WatchEventOf[]> {
    const out: WatchEventOf[] = []
    for (let i = 0; i < n; i++) {
      const e = await this.next()
      if (e === undefined) throw new Error(`stream ended after ${i} of ${n} events`)
      out.push(e)
    }
    return out
  }

  close(): void {
    this.req.destroy()
  }
}
