import { connect } from 'node:net'
import type { Socket } from 'node:net'
import type { ProbeHandler } from '../../objects/pod.js'
import { dialError, hostPort } from './net-error.js'
import { resolveProbePort } from './probe-port.js'
import type { ProbeResult, ProbeTarget } from './probe-types.js'
import { failure, success } from './probe-types.js'

export type TcpSocketAction = NonNullable<ProbeHandler['tcpSocket']>

/** Succeeds when a TCP connection opens within the timeout; the connection is closed at once. */
export async function tcpSocketProbe(action: TcpSocketAction, target: ProbeTarget, timeoutMs: number, signal?: AbortSignal): Promise<ProbeResult> {
  const host = action.host ?? target.defaultHost
  const port = resolveProbePort(action.port, target.binding, target.container)
  return new Promise((resolve) => {
    let socket: Socket | undefined
    const finish = (result: ProbeResult): void => {
      clearTimeout(timer)
      signal?.removeEventListener('abort', onAbort)
      socket?.destroy()
      resolve(result)
    }
    const onAbort = (): void => finish(failure(`dial tcp ${hostPort(host, port)}: probe cancelled`))
    const timer = setTimeout(() => finish(failure(`dial tcp ${hostPort(host, port)}: i/o timeout after ${timeoutMs}ms`)), timeoutMs)
    if (signal?.aborted === true) return onAbort()
    signal?.addEventListener('abort', onAbort, { once: true })
    socket = connect({ host, port })
    socket.once('connect', () => finish(success()))
    socket.on('error', (err) => finish(failure(dialError(host, port, err))))
  })
}
