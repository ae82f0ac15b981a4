import type { ApiObject } from './printer.js'
import { age } from './cells.js'
import type { Printer } from './printer.js'

type ContainerState = { waiting?: { reason?: string }; running?: object; terminated?: { reason?: string; exitCode?: number } }

export interface PodView extends ApiObject {
  spec?: { nodeName?: string; containers?: { name: string }[] }
  status?: {
    phase?: string
    reason?: string
    hostIP?: string
    podIP?: string
    containerStatuses?: { name: string; ready?: boolean; restartCount?: number; state?: ContainerState }[]
  }
}

/** What kubectl shows in STATUS: a container's waiting or exit reason beats the bare phase. */
export function podStatus(p: PodView): string {
  if (p.metadata['deletionTimestamp'] !== undefined) return 'Terminating'
  const phase = p.status?.reason ?? p.status?.phase ?? 'Pending'
  for (const c of p.status?.containerStatuses ?? []) {
    const waiting = c.state?.waiting?.reason
    if (waiting !== undefined && waiting !== '') return waiting
    const terminated = c.state?.terminated
    if (terminated !== undefined && phase !== 'Running') return terminated.reason ?? `ExitCode:${terminated.exitCode ?? '?'}`
  }
  return phase
}

export function podReady(p: PodView): string {
  const statuses = p.status?.containerStatuses ?? []
  const total = p.spec?.containers?.length ?? statuses.length
  return `${statuses.filter((c) => c.ready === true).length}/${total}`
}

export function podRestarts(p: PodView): number {
  return (p.status?.containerStatuses ?? []).reduce((sum, c) => sum + (c.restartCount ?? 0), 0)
}

export const podPrinter: Printer<PodView> = {
  headers: ['NAME', 'READY', 'STATUS', 'RESTARTS', 'AGE'],
  row: (p, now) => [p.metadata.name, podReady(p), podStatus(p), String(podRestarts(p)), age(p.metadata.creationTimestamp, now)],
  wideHeaders: ['IP', 'NODE'],
  wideRow: (p) => [p.status?.podIP ?? p.status?.hostIP ?? '<none>', p.spec?.nodeName ?? '<none>'],
}
