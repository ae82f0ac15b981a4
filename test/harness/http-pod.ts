import { request } from 'node:http'
import { connect } from 'node:net'

/**
 * A process-runtime container command: a small HTTP server on $PORT that answers with its pod name,
 * so a test can see which replica served a request. `/healthz` answers 200 unless a file named after
 * the pod exists in $UNHEALTHY_DIR (tests create it to flip a probe); POST bodies are echoed back.
 */
export const HTTP_POD_COMMAND = [
  'python3',
  '-c',
  `
import http.server, os
class H(http.server.BaseHTTPRequestHandler):
    protocol_version = 'HTTP/1.1'
    def reply(self, code, body):
        self.send_response(code)
        self.send_header('content-length', str(len(body)))
        self.end_headers()
        self.wfile.write(body)
    def do_GET(self):
        if self.path == '/healthz':
            d = os.environ.get('UNHEALTHY_DIR')
            bad = d is not None and os.path.exists(os.path.join(d, os.environ['POD_NAME']))
            return self.reply(500 if bad else 200, b'health')
        self.reply(200, os.environ['POD_NAME'].encode())
    def do_POST(self):
        n = int(self.headers.get('content-length', '0'))
        data = self.rfile.read(n)
        self.reply(200, data)
    def log_message(self, *a):
        pass
http.server.ThreadingHTTPServer(('0.0.0.0', int(os.environ['PORT'])), H).serve_forever()
`,
]

/**
 * One HTTP request on a fresh TCP connection (the proxy balances connections, not requests, so
 * keep-alive would pin every request to one backend).
 */
export function httpRequest(host: string, port: number, opts: { method?: string; path?: string; body?: Uint8Array } = {}): Promise<{ status: number; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const req = request({ host, port, path: opts.path ?? '/', method: opts.method ?? 'GET', agent: false, timeout: 5000 }, (res) => {
      const chunks: Buffer[] = []
      res.on('data', (c: Buffer) => chunks.push(c))
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks) }))
      res.on('error', reject)
    })
    req.on('timeout', () => req.destroy(new Error('request timed out')))
    req.on('error', reject)
    if (opts.body !== undefined) req.setHeader('content-length', opts.body.length)
    req.end(opts.body)
  })
}

export async function httpGet(host: string, port: number, path = '/'): Promise<{ status: number; body: string }> {
  const r = await httpRequest(host, port, { path })
  return { status: r.status, body: r.body.toString() }
}

/** Whether a TCP connect to host:port is refused (rather than accepted or timed out). */
export function connectRefused(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect({ host, port })
    s.setTimeout(2000)
    s.once('connect', () => {
      s.destroy()
      resolve(false)
    })
    s.once('error', (err: NodeJS.ErrnoException) => resolve(err.code === 'ECONNREFUSED'))
    s.once('timeout', () => {
      s.destroy()
      resolve(false)
    })
  })
}
