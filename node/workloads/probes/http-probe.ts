import { request as httpRequest } from 'node:http'
import type { ClientRequest, IncomingMessage, RequestOptions } from 'node:http'
import { request as httpsRequest } from 'node:https'
import type { ProbeHandler } from '../../objects/pod.js'
import { dialError, hostPort, isDialFailure } from './net-error.js'
import { resolveProbePort } from './probe-port.js'
import type { ProbeResult, ProbeTarget } from './probe-types.js'
import { failure, success } from './probe-types.js'

export type HttpGetAction = NonNullable<ProbeHandler['httpGet']>

/** Sent unless the probe sets its own; apps that skip logging health checks look for "probe". */
export const PROBE_USER_AGENT = 'shoal-probe/1.0'

export function probeUrl(action: HttpGetAction, host: string, port: number): string {
  const scheme = action.scheme === 'HTTPS' ? 'https' : 'http'
  const path = action.path === undefined || action.path === '' ? '/' : action.path.startsWith('/') ? action.path : `/${action.path}`
  return `${scheme}://${hostPort(host, port)}${path}`
}

function headersOf(action: HttpGetAction): Record<string, string> {
  const headers: Record<string, string> = { 'User-Agent': PROBE_USER_AGENT, Accept: '*/*' }
  for (const h of action.httpHeaders ?? []) {
    // A header the probe sets replaces the default of the same name, whatever its case.
    for (const key of Object.keys(headers)) if (key.toLowerCase() === h.name.toLowerCase()) delete headers[key]
    headers[h.name] = h.value
  }
  return headers
}

/**
 * GET the probe's URL; a status from 200 to 399 is success. Redirects are not followed: a 3xx is
 * already a success. HTTPS certificates are not verified, as in Kubernetes (the kubelet cannot
 * know the names a pod's certificate is for). Only the status line and headers are awaited.
 */
export async function httpGetProbe(action: HttpGetAction, target: ProbeTarget, timeoutMs: number, signal?: AbortSignal): Promise<ProbeResult> {
  const host = action.host ?? target.defaultHost
  const port = resolveProbePort(action.port, target.binding, target.container)
  const url = probeUrl(action, host, port)
  const options: RequestOptions & { rejectUnauthorized?: boolean } = {
    method: 'GET',
    headers: headersOf(action),
    agent: false,
    ...(action.scheme === 'HTTPS' ? { rejectUnauthorized: false } : {}),
  }
  return new Promise((resolve) => {
    let req: ClientRequest | undefined
    const finish = (result: ProbeResult, res?: IncomingMessage): void => {
      clearTimeout(timer)
      signal?.removeEventListener('abort', onAbort)
      res?.destroy()
      req?.destroy()
      resolve(result)
    }
    const onAbort = (): void => finish(failure(`Get "${url}": probe cancelled`))
    const timer = setTimeout(() => finish(failure(`Get "${url}": timeout after ${timeoutMs}ms awaiting response headers`)), timeoutMs)
    if (signal?.aborted === true) return onAbort()
    signal?.addEventListener('abort', onAbort, { once: true })
    const send = action.scheme === 'HTTPS' ? httpsRequest : httpRequest
    req = send(url, options, (res) => {
      res.on('error', () => undefined)
      const status = res.statusCode ?? 0
      finish(status >= 200 && status < 400 ? success(`HTTP probe succeeded with statuscode: ${status}`) : failure(`HTTP probe failed with statuscode: ${status}`), res)
    })
    // `on`, not `once`: destroying a request that is still waiting emits a second error.
    req.on('error', (err) => finish(failure(`Get "${url}": ${isDialFailure(err) ? dialError(host, port, err) : err.message}`)))
    req.end()
  })
}
