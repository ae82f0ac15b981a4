import type { Container, RestartPolicy } from '../../objects/pod.js'
import type { ContainerInfo } from '../../runtime/types.js'

export type ContainerAction =
  | { type: 'create'; container: Container; restart: boolean }
  | { type: 'terminate'; id: string; container: string; reason: string }
  | { type: 'remove'; id: string; container: string }
  | { type: 'wait'; container: string; until: number; reason?: WaitReason }

/** Why a start waits: a crash loop (the default), or a pull or create that failed before. */
export type WaitReason = 'CrashLoopBackOff' | 'ImagePullBackOff' | 'CreateContainerError'

export interface RestartState {
  /** Earliest time the next (re)start may happen. */
  notBefore: number
  /** Absent: CrashLoopBackOff. */
  reason?: WaitReason
}

export interface ContainerPlanInput {
  containers: Container[]
  restartPolicy: RestartPolicy
  /** What the runtime reports for this pod, any container. */
  actual: ContainerInfo[]
  /** Hash of the spec each container should run (runtime specHash of the desired spec). */
  desiredHash: (container: Container) => string
  restarts: ReadonlyMap<string, RestartState>
  now: number
}

function newest(list: ContainerInfo[]): ContainerInfo | undefined {
  return [...list].sort((a, b) => (Date.parse(b.createdAt ?? '') || 0) - (Date.parse(a.createdAt ?? '') || 0))[0]
}

function shouldRestart(policy: RestartPolicy, c: ContainerInfo): boolean {
  if (policy === 'Always') return true
  if (policy === 'Never') return false
  return c.exitCode !== 0
}

/**
 * What to do with one pod's containers, after the kubelet's computePodActions: start what is
 * missing, restart what exited when the restart policy says so (after back-off), replace what runs
 * an outdated spec, and clear out duplicates and containers the spec no longer names. Pure, so
 * the reconciler's decisions are tested without a runtime.
 */
export function planContainers(input: ContainerPlanInput): ContainerAction[] {
  const actions: ContainerAction[] = []
  const wanted = new Set(input.containers.map((c) => c.name))
  for (const c of input.actual) {
    if (wanted.has(c.containerName)) continue
    if (c.state === 'running') actions.push({ type: 'terminate', id: c.id, container: c.containerName, reason: 'not in the pod spec' })
    actions.push({ type: 'remove', id: c.id, container: c.containerName })
  }
  for (const container of input.containers) {
    const mine = input.actual.filter((c) => c.containerName === container.name)
    const current = newest(mine)
    for (const old of mine) if (old !== current && old.state !== 'running') actions.push({ type: 'remove', id: old.id, container: container.name })
    for (const old of mine) {
      if (old !== current && old.state === 'running') {
        actions.push({ type: 'terminate', id: old.id, container: container.name, reason: 'duplicate' }, { type: 'remove', id: old.id, container: container.name })
      }
    }
    if (current === undefined) {
      actions.push(...startOrWait(container, false, input))
      continue
    }
    if (current.state === 'running' || current.state === 'unknown') {
      if (current.state === 'running' && current.specHash !== undefined && current.specHash !== input.desiredHash(container)) {
        actions.push({ type: 'terminate', id: current.id, container: container.name, reason: 'spec changed' })
        actions.push({ type: 'remove', id: current.id, container: container.name })
        actions.push({ type: 'create', container, restart: true })
      }
      continue
    }
    if (current.state === 'created') {
      actions.push({ type: 'remove', id: current.id, container: container.name })
      actions.push(...startOrWait(container, false, input))
      continue
    }
    // exited
    if (!shouldRestart(input.restartPolicy, current)) continue
    const restart = startOrWait(container, true, input)
    if (restart[0]?.type === 'create') actions.push({ type: 'remove', id: current.id, container: container.name })
    actions.push(...restart)
  }
  return actions
}

function startOrWait(container: Container, restart: boolean, input: ContainerPlanInput): ContainerAction[] {
  const state = input.restarts.get(container.name)
  if (state !== undefined && input.now < state.notBefore) {
    return [{ type: 'wait', container: container.name, until: state.notBefore, ...(state.reason !== undefined ? { reason: state.reason } : {}) }]
  }
  return [{ type: 'create', container, restart }]
}
