import type { ProbeHandler } from '../../objects/pod.js'
import { execProbe } from './exec-probe.js'
import { httpGetProbe } from './http-probe.js'
import type { ProbeResult, ProbeTarget } from './probe-types.js'
import { failure } from './probe-types.js'
import { tcpSocketProbe } from './tcp-probe.js'

/**
 * Run a probe's one handler. Never throws: whatever goes wrong (a port name the container lacks,
 * a runtime error) is a failed probe with a message, which is what the user needs to see.
 */
export async function runProbe(handler: ProbeHandler, target: ProbeTarget, timeoutMs: number, signal?: AbortSignal): Promise<ProbeResult> {
  try {
    if (handler.httpGet !== undefined) return await httpGetProbe(handler.httpGet, target, timeoutMs, signal)
    if (handler.tcpSocket !== undefined) return await tcpSocketProbe(handler.tcpSocket, target, timeoutMs, signal)
    if (handler.exec !== undefined) return await execProbe(handler.exec, target, timeoutMs)
    return failure('probe has no handler (httpGet, tcpSocket or exec)')
  } catch (err) {
    return failure(err instanceof Error ? err.message : String(err))
  }
}
