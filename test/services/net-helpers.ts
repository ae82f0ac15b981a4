// Loopback fixtures for the proxy tests: tiny HTTP backends, free ports, raw connects.
import { createServer, request } from 'node:http'
import type { IncomingMessage, Server } from 'node:http'
import { spawn } from 'node:child_process'
import { connect, createServer as createTcpServer } from 'node:net'
import type { AddressInfo, Socket } from 'node:net'

export interface HttpBackend {
  id: string
  port: number
  server: Server
  close: () => Promise<void>
}

/** An HTTP server on 127.0.0.1 that answers its id, and echoes the body on POST /echo. */
export async function startBackend(id: string): Promise<HttpBackend> {
  const server = createServer((req, res) => {
    if (req.method === 'POST' && req.url === '/echo') {
      res.writeHead(200, { 'x-backend': id })
      req.pipe(res)
      return
    }
    req.resume()
    res.end(id)
  })
  server.keepAliveTimeout = 100
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const port = (server.address() as AddressInfo).port
  const close = (): Promise<void> =>
    new Promise((resolve) => {
      server.closeAllConnections()
      server.close(() => resolve())
    })
  return { id, port, server, close }
}

/** A port that was free a moment ago (loopback tests accept the small race). */
export async function freePort(): Promise<number> {
  const server = createTcpServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const port = (server.address() as AddressInfo).port
  await new Promise<void>((resolve) => server.close(() => resolve()))
  return port
}

export interface Reply {
  status: number
  body: Buffer
  headers: IncomingMessage['headers']
}

/** One request on a fresh connection (no keep-alive), so each goes through the proxy's rotation. */
export function httpRequest(port: number, path = '/', body?: Buffer): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, method: body === undefined ? 'GET' : 'POST', agent: false, timeout: 5000 }, (res) => {
      const chunks: Buffer[] = []
      res.on('data', (c: Buffer) => chunks.push(c))
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks), headers: res.headers }))
      res.on('error', reject)
    })
    req.on('timeout', () => req.destroy(new Error('request timed out')))
    req.on('error', reject)
    req.end(body)
  })
}

/** How a raw TCP connect to 127.0.0.1:port ends, and how long it took. */
export function connectOutcome(port: number): Promise<{ outcome: string; ms: number }> {
  const started = Date.now()
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port })
    const done = (outcome: string): void => {
      socket.destroy()
      resolve({ outcome, ms: Date.now() - started })
    }
    socket.on('error', (err: NodeJS.ErrnoException) => done(err.code ?? err.message))
    socket.on('connect', () => done('connected'))
    socket.setTimeout(5000, () => done('timeout'))
  })
}

/** A server process that listens (backlog 1) and then blocks forever, so it never accepts. */
const STUCK_SOURCE = `
const s = require('node:net').createServer()
s.listen({ port: 0, host: '127.0.0.1', backlog: 1 }, () => {
  process.stdout.write(s.address().port + '\\n', () => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0))
})
`

/**
 * A port whose connects hang, as a host that drops packets: its accept queue is filled, so the
 * kernel drops further SYNs. Loopback only; `close` kills the process and the filler sockets.
 */
export async function blackholePort(): Promise<{ port: number; close: () => void }> {
  const child = spawn(process.execPath, ['-e', STUCK_SOURCE], { stdio: ['ignore', 'pipe', 'inherit'] })
  const port = await new Promise<number>((resolve, reject) => {
    child.stdout.once('data', (d: Buffer) => resolve(Number(d.toString())))
    child.once('exit', () => reject(new Error('stuck server exited')))
  })
  const fillers: Socket[] = []
  for (let i = 0; i < 4; i++) {
    const socket = connect({ host: '127.0.0.1', port })
    socket.on('error', () => undefined)
    fillers.push(socket)
  }
  await new Promise((r) => setTimeout(r, 50))
  return {
    port,
    close: () => {
      for (const s of fillers) s.destroy()
      child.kill('SIGKILL')
    },
  }
}
