export interface ApiReply<T = unknown> {
  status: number
  body: T
  headers: Headers
}

/** A minimal API client for tests: it reports status and body instead of throwing. */
export class TestApi {
  constructor(
    readonly url: string,
    readonly token: string,
  ) {}

  async request<T = unknown>(method: string, path: string, body?: unknown, init: { token?: string | null; contentType?: string } = {}): Promise<ApiReply<T>> {
    const token = init.token === undefined ? this.token : init.token
    const headers: Record<string, string> = {}
    if (token !== null) headers['authorization'] = `Bearer ${token}`
    if (body !== undefined) headers['content-type'] = init.contentType ?? 'application/json'
    const res = await fetch(this.url + path, {
      method,
      headers,
      ...(body !== undefined ? { body: typeof body === 'string' ? body : JSON.stringify(body) } : {}),
    })
    const text = await res.text()
    let parsed: unknown = text
    try {
      parsed = text === '' ? undefined : JSON.parse(text)
    } catch {
      // plain-text endpoints (healthz, metrics)
    }
    return { status: res.status, body: parsed as T, headers: res.headers }
  }

  get<T = unknown>(path: string): Promise<ApiReply<T>> {
    return this.request<T>('GET', path)
  }

  /** GET that must succeed; returns the body. */
  async ok<T = unknown>(path: string): Promise<T> {
    const r = await this.get<T>(path)
    if (r.status !== 200) throw new Error(`GET ${path} → ${r.status}: ${JSON.stringify(r.body)}`)
    return r.body
  }
}

export interface NodeView {
  name: string
  ready: string
  state: string
}

/** Nodes as one agent's API lists them: name, Ready condition status and member state. */
export async function listNodes(api: TestApi): Promise<NodeView[]> {
  const list = await api.ok<{ items: { metadata: { name: string; annotations: Record<string, string> }; status: { conditions: { type: string; status: string }[] } }[] }>(
    '/api/v1/nodes',
  )
  return list.items.map((n) => ({
    name: n.metadata.name,
    ready: n.status.conditions.find((c) => c.type === 'Ready')?.status ?? '',
    state: n.metadata.annotations['shoal.io/member-state'] ?? '',
  }))
}
