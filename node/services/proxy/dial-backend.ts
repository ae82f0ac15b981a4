import { connect } from 'node:net'
import type { Socket } from 'node:net'
import type { Backend } from './proxy-config.js'

export class BackendTimeoutError extends Error {
  override name = 'BackendTimeoutError'
}

export class DialAbortedError extends Error {
  override name = 'DialAbortedError'
}

/**
 * Opens a half-open-capable TCP connection to `backend`, failing after `timeoutMs` (a host that
 * drops packets would otherwise hold the client for the kernel's SYN retry time, minutes).
 * The socket keeps an error listener that ignores late errors, so nothing is ever unhandled
 * between the resolution and the caller attaching its own.
 */
export function dialBackend(backend: Backend, timeoutMs: number, signal?: AbortSignal): Promise<Socket> {
  return new Promise((resolve, reject) => {
    let settled = false
    const socket = connect({ host: backend.host, port: backend.port, allowHalfOpen: true, noDelay: true })
    const finish = (err: Error | undefined): void => {
      if (settled) return
      settled = true
      clearTimeout(timer)
      signal?.removeEventListener('abort', onAbort)
      if (err === undefined) return resolve(socket)
      socket.destroy()
      reject(err)
    }
    const onAbort = (): void => finish(new DialAbortedError(`dial to ${backend.host}:${backend.port} aborted`))
    const timer = setTimeout(() => finish(new BackendTimeoutError(`no connection to ${backend.host}:${backend.port} within ${timeoutMs} ms`)), timeoutMs)
    socket.once('connect', () => finish(undefined))
    socket.on('error', (err) => finish(err))
    if (signal?.aborted === true) onAbort()
    else signal?.addEventListener('abort', onAbort, { once: true })
  })
}
