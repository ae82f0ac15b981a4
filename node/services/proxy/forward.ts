import type { Socket } from 'node:net'
import type { Logger } from '../../logger.js'
import type { BackendPool } from './backend-pool.js'
import { dialBackend } from './dial-backend.js'
import { splice } from './splice.js'

export interface RouteStats {
  /** Connections accepted. */
  connections: number
  /** Connections currently spliced to a backend. */
  active: number
  /** Connections that no backend accepted (all refused or timed out), reset. */
  failed: number
  /** Single dial attempts that failed; a connection retried elsewhere counts here only. */
  backendFailures: number
  bytesIn: number
  bytesOut: number
}

/** Where the connections of one service port go; the listener looks it up at accept time. */
export interface Route {
  key: string
  pool: BackendPool
  stats: RouteStats
}

export interface ForwardOptions {
  connectTimeoutMs: number
  logger: Logger
  /** Told of every backend socket, so that stop() can close it. */
  track: (socket: Socket) => void
}

export function emptyStats(): RouteStats {
  return { connections: 0, active: 0, failed: 0, backendFailures: 0, bytesIn: 0, bytesOut: 0 }
}

/**
 * Carries one accepted (paused) client connection to a backend: tries the pool's plan in order
 * and moves on when a backend refuses or does not answer in time, so a dead pod costs one
 * attempt, not the request. When none accepts, the client is reset: it sees an error, never a
 * clean but empty reply it could mistake for an answer.
 */
export async function forward(client: Socket, route: Route, options: ForwardOptions): Promise<void> {
  const { stats, pool } = route
  stats.connections++
  const abort = new AbortController()
  const onEarlyClose = (): void => abort.abort()
  // The client may go away while we dial; without a listener its reset would be unhandled.
  client.on('error', onEarlyClose)
  client.once('close', onEarlyClose)
  for (const backend of pool.plan()) {
    let upstream: Socket
    try {
      upstream = await dialBackend(backend, options.connectTimeoutMs, abort.signal)
    } catch (err) {
      if (abort.signal.aborted) return
      stats.backendFailures++
      pool.markFailed(backend)
      options.logger.debug({ service: route.key, backend, err }, 'backend did not accept; trying the next')
      continue
    }
    pool.markHealthy(backend)
    options.track(upstream)
    if (client.destroyed) {
      // It closed in the instant between the connect and this line: its 'close' is past.
      upstream.destroy()
      return
    }
    client.off('error', onEarlyClose)
    client.off('close', onEarlyClose)
    stats.active++
    splice(client, upstream, () => {
      stats.active--
      stats.bytesIn += client.bytesRead
      stats.bytesOut += client.bytesWritten
    })
    return
  }
  if (client.destroyed) return
  stats.failed++
  options.logger.debug({ service: route.key, backends: pool.size }, 'no backend accepted the connection')
  client.resetAndDestroy()
}
