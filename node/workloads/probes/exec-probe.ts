import type { ProbeHandler } from '../../objects/pod.js'
import { ContainerNotFoundError, ContainerNotRunningError, ExecTimeoutError } from '../../runtime/errors.js'
import type { ProbeResult, ProbeTarget } from './probe-types.js'
import { failure, success } from './probe-types.js'

export type ExecAction = NonNullable<ProbeHandler['exec']>

/** Enough of a command's output to explain a failure in an event, not a log dump. */
const MAX_MESSAGE_CHARS = 1024

function clip(output: string): string {
  const text = output.trim()
  return text.length > MAX_MESSAGE_CHARS ? `${text.slice(0, MAX_MESSAGE_CHARS)}…` : text
}

/**
 * Run the command in the container (docker: `exec`; process runtime: a process with the
 * container's env and working dir); exit code 0 is success. As in Kubernetes, a failure's message
 * is what the command printed, so `cat /tmp/healthy` explains itself.
 */
export async function execProbe(action: ExecAction, target: ProbeTarget, timeoutMs: number): Promise<ProbeResult> {
  const shown = JSON.stringify(action.command)
  try {
    const { exitCode, output } = await target.runtime.exec(target.containerId, action.command, timeoutMs)
    if (exitCode === 0) return success(clip(output))
    const said = clip(output)
    return failure(said !== '' ? said : `command ${shown} exited with code ${exitCode}`)
  } catch (err) {
    if (err instanceof ExecTimeoutError) return failure(`command ${shown} timed out after ${timeoutMs}ms`)
    if (err instanceof ContainerNotRunningError || err instanceof ContainerNotFoundError) return failure(`cannot exec ${shown}: container is not running`)
    throw err
  }
}
