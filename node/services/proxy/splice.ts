import type { Socket } from 'node:net'

function reset(socket: Socket): void {
  if (!socket.destroyed) socket.resetAndDestroy()
}

/**
 * Joins two connected sockets (both created with allowHalfOpen) in both directions. `pipe`
 * gives backpressure, and ends the other side's writable when one side's readable ends, so a
 * client that half-closes after its request still receives the whole response. An error on
 * one side resets the other, so a truncated stream reads as an error to the far end and not as
 * a clean end. A side that closes before the other has finished sending (it was destroyed)
 * takes the other down with it; after a normal close the other side has nothing left to read,
 * and closes by itself once its own writes are flushed.
 * `onClose` runs once, after both sockets have closed.
 */
export function splice(client: Socket, upstream: Socket, onClose: () => void): void {
  let open = 2
  const closed = (): void => {
    if (--open === 0) onClose()
  }
  client.on('error', () => reset(upstream))
  upstream.on('error', () => reset(client))
  client.on('close', () => {
    if (!upstream.readableEnded) upstream.destroy()
    closed()
  })
  upstream.on('close', () => {
    if (!client.readableEnded) client.destroy()
    closed()
  })
  client.pipe(upstream)
  upstream.pipe(client)
}
