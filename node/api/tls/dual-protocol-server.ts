import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http'
import type { Server, Socket } from 'node:net'
import { createServer as createTlsServer } from 'node:tls'
import type { Server as TlsServer } from 'node:tls'
import { createServer } from '@httptoolkit/httpolyglot'
import type { ServingCert } from './serving-cert.js'

export interface DualProtocolServer extends Server {
  closeAllConnections(): void
  /** Install the certificate; TLS handshakes fail until it is set. */
  setCertificate(cert: ServingCert): void
}

/**
 * One port for both protocols: a connection that opens with a TLS handshake is served HTTPS
 * (kubectl and other Kubernetes clients send their bearer token only over TLS), anything else
 * plain HTTP (curl, the shoal CLI, agents proxying to each other), so the documented
 * `http://HOST:7070` keeps working while `https://HOST:7070` serves the same API.
 */
export function dualProtocolServer(handler: RequestListener<typeof IncomingMessage, typeof ServerResponse>): DualProtocolServer {
  // HTTP/1.1 only: the API streams watches and logs as HTTP/1 responses, and a Go client offered
  // h2 would take it. The certificate comes later, once it has been issued (that is async).
  const tls: TlsServer = createTlsServer({ ALPNProtocols: ['http/1.1'] })
  const server = createServer({ tls }, handler) as unknown as DualProtocolServer
  const open = new Set<Socket>()
  // Tracked on the TCP listener itself: fastify stops a server like this one by closing every
  // connection, idle keep-alives and open watches included, or the close would wait on them.
  server.prependListener('connection', (socket: Socket) => {
    open.add(socket)
    socket.once('close', () => open.delete(socket))
  })
  server.closeAllConnections = (): void => {
    for (const socket of open) socket.destroy()
    open.clear()
  }
  server.setCertificate = (cert: ServingCert): void => tls.setSecureContext({ cert: cert.cert, key: cert.key })
  return server
}
