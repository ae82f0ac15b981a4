import { randomUUID } from 'node:crypto'
import type { ContainerInfo, ContainerRuntime, ContainerSpec, LogOptions } from '../../node/runtime/types.js'
import { waitFor } from '../harness/wait.js'

/** A label every test container carries, so a suite removes exactly what it created. */
export const TEST_RUN_LABEL = 'shoal.io/test-run'

/** A spec that runs `script` with `sh -c`; `args` become $0, $1, … of the script. */
export function shellSpec(base: Partial<ContainerSpec>, runId: string, script: string, extra: Partial<ContainerSpec> = {}): ContainerSpec {
  return {
    podUid: randomUUID(),
    podName: 'pod-' + Math.random().toString(36).slice(2, 8),
    namespace: 'default',
    containerName: 'main',
    env: {},
    ...base,
    command: ['sh', '-c', script],
    ...extra,
    labels: { [TEST_RUN_LABEL]: runId, ...(extra.labels ?? {}) },
  }
}

export async function readLogs(runtime: ContainerRuntime, id: string, options: LogOptions = {}): Promise<string> {
  const parts: Buffer[] = []
  for await (const chunk of runtime.logs(id, options)) parts.push(Buffer.from(chunk))
  return Buffer.concat(parts).toString('utf8')
}

export async function waitForState(runtime: ContainerRuntime, id: string, state: ContainerInfo['state'], timeoutMs = 15_000): Promise<ContainerInfo> {
  return waitFor(
    async () => {
      const info = await runtime.inspect(id)
      return info?.state === state ? info : undefined
    },
    { timeoutMs, message: `container ${id} to be ${state}` },
  )
}

/** Wait until the container's logs contain `text`. */
export async function waitForLog(runtime: ContainerRuntime, id: string, text: string, timeoutMs = 15_000): Promise<string> {
  return waitFor(
    async () => {
      const logs = await readLogs(runtime, id)
      return logs.includes(text) ? logs : undefined
    },
    { timeoutMs, message: `logs of ${id} to contain ${JSON.stringify(text)}` },
  )
}

/** Read a following log stream in the background until `until` shows up or it ends. */
export function follow(runtime: ContainerRuntime, id: string, options: LogOptions): { text: () => string; done: Promise<void> } {
  let text = ''
  const done = (async (): Promise<void> => {
    for await (const chunk of runtime.logs(id, { ...options, follow: true })) text += Buffer.from(chunk).toString('utf8')
  })()
  return { text: () => text, done }
}
