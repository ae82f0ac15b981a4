import { readFile } from 'node:fs/promises'
import { join, resolve } from 'node:path'

export class CliError extends Error {
  override name = 'CliError'
  constructor(
    message: string,
    readonly exitCode = 1,
  ) {
    super(message)
  }
}

export interface ConnectionOptions {
  server?: string
  token?: string
  dataDir?: string
}

export interface Connection {
  server: string
  token: string
}

interface StatusBody {
  kind?: string
  reason?: string
  message?: string
  details?: { causes?: { field?: string; message: string }[] }
}

/**
 * Where the API is and how to authenticate, in order: --server/--token, SHOAL_SERVER/SHOAL_TOKEN,
 * then the local data dir (agent.json and admin.token written by `shoal agent`).
 */
export async function resolveConnection(opts: ConnectionOptions): Promise<Connection> {
  const dataDir = resolve(opts.dataDir ?? process.env['SHOAL_DATA_DIR'] ?? './.shoal')
  let server = opts.server ?? process.env['SHOAL_SERVER']
  let token = opts.token ?? process.env['SHOAL_TOKEN']
  if (server === undefined) {
    const info = await readFile(join(dataDir, 'agent.json'), 'utf8').catch(() => undefined)
    if (info !== undefined) server = (JSON.parse(info) as { api?: string }).api
  }
  if (token === undefined) token = (await readFile(join(dataDir, 'admin.token'), 'utf8').catch(() => undefined))?.trim()
  if (server === undefined) {
    throw new CliError(`no server: pass --server URL, set SHOAL_SERVER, or run where ${dataDir}/agent.json exists`)
  }
  if (token === undefined) throw new CliError(`no token: pass --token, set SHOAL_TOKEN, or run where ${dataDir}/admin.token exists`)
  return { server: server.replace(/\/+$/, ''), token }
}

/** A thin client of the shoal API that turns a Status reply into a one-line CliError. */
export class ApiClient {
  constructor(private readonly conn: Connection) {}

  async request<T>(method: string, path: string, body?: unknown, contentType = 'application/json'): Promise<T> {
    let res: Response
    try {
      res = await fetch(this.conn.server + path, {
        method,
        headers: {
          authorization: `Bearer ${this.conn.token}`,
          ...(body !== undefined ? { 'content-type': contentType } : {}),
        },
        ...(body !== undefined ? { body: typeof body === 'string' ? body : JSON.stringify(body) } : {}),
      })
    } catch (err) {
      throw new CliError(`cannot reach ${this.conn.server}: ${(err as Error).cause instanceof Error ? ((err as Error).cause as Error).message : (err as Error).message}`)
    }
    const text = await res.text()
    if (!res.ok) throw new CliError(describeFailure(res.status, text))
    if (text === '') return undefined as T
    // JSON is parsed; anything else (a PEM certificate) is returned as the text it is.
    return ((res.headers.get('content-type') ?? '').includes('json') ? JSON.parse(text) : text) as T
  }

  /** A GET whose answer is text (a certificate), not JSON. */
  text(path: string): Promise<string> {
    return this.request<string>('GET', path)
  }

  get<T>(path: string): Promise<T> {
    return this.request<T>('GET', path)
  }

  /** Streaming GET (watch, follow logs): yields response body chunks until the server closes. */
  async *stream(path: string, signal?: AbortSignal): AsyncIterable<Uint8Array> {
    const res = await fetch(this.conn.server + path, {
      headers: { authorization: `Bearer ${this.conn.token}` },
      ...(signal !== undefined ? { signal } : {}),
    }).catch((err: unknown) => {
      throw new CliError(`cannot reach ${this.conn.server}: ${(err as Error).message}`)
    })
    if (!res.ok) throw new CliError(describeFailure(res.status, await res.text()))
    if (res.body === null) return
    for await (const chunk of res.body) yield chunk
  }
}

function describeFailure(status: number, text: string): string {
  try {
    const body = JSON.parse(text) as StatusBody
    if (body.kind === 'Status' && body.message !== undefined) {
      // kubectl's form: the reason, then the message (which already names the fields at fault).
      return `Error from server (${body.reason ?? status}): ${body.message}`
    }
  } catch {
    // not a Status; fall through to the raw text
  }
  return `Error from server (${status}): ${text.slice(0, 200)}`
}
