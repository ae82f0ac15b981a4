import { createServer } from 'node:net'
import type { Server, Socket } from 'node:net'

/**
 * A TCP server on host:port whose accepted sockets arrive paused (nothing is read before a
 * backend is connected to take it) and half-open-capable. Resolves once listening; rejects with
 * the listen error (EADDRINUSE, EACCES, …), leaving nothing open.
 */
export function listenTcp(host: string, port: number, onConnection: (socket: Socket) => void, onError: (err: Error) => void): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = createServer({ allowHalfOpen: true, pauseOnConnect: true, noDelay: true }, onConnection)
    const onListenError = (err: Error): void => {
      server.close()
      reject(err)
    }
    server.once('error', onListenError)
    server.listen({ host, port }, () => {
      server.off('error', onListenError)
      server.on('error', onError)
      resolve(server)
    })
  })
}

/**
 * Stops accepting at once (the port is free when this returns) and resolves when the last
 * connection the server accepted has ended; callers that must not wait for those ignore it.
 */
export function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => server.close(() => resolve()))
}
