import type { Binding } from '../../allocation/commands.js'
import type { ContainerStateView, ContainerStatus, Pod, PodCondition, PodPhase, PodStatus } from '../../objects/pod.js'
import type { ContainerInfo } from '../../runtime/types.js'

export interface ContainerHistory {
  restartCount: number
  /** The previous run's termination, shown as lastState. */
  lastTermination?: ContainerStateView
}

export interface PodStatusInput {
  pod: Pod
  binding: Binding
  selfId: string
  hostIP: string
  actual: ContainerInfo[]
  history: ReadonlyMap<string, ContainerHistory>
  /** Why a container has no running instance right now (ContainerCreating, Pulling, CrashLoopBackOff, ...). */
  waiting: ReadonlyMap<string, { reason: string; message?: string }>
  /** Readiness from probes; a running container without a readiness probe is ready. */
  ready: (container: string) => boolean
  previous: PodStatus | undefined
  now: string
}

function newest(list: ContainerInfo[]): ContainerInfo | undefined {
  return [...list].sort((a, b) => (Date.parse(b.createdAt ?? '') || 0) - (Date.parse(a.createdAt ?? '') || 0))[0]
}

export function stateView(c: ContainerInfo | undefined, waiting: { reason: string; message?: string } | undefined): ContainerStateView {
  if (c?.state === 'running') return { running: { ...(c.startedAt !== undefined ? { startedAt: c.startedAt } : {}) } }
  if (c?.state === 'exited') {
    return {
      terminated: {
        exitCode: c.exitCode ?? -1,
        ...(c.reason !== undefined ? { reason: c.reason } : {}),
        ...(c.message !== undefined ? { message: c.message } : {}),
        ...(c.startedAt !== undefined ? { startedAt: c.startedAt } : {}),
        ...(c.finishedAt !== undefined ? { finishedAt: c.finishedAt } : {}),
      },
    }
  }
  return { waiting: waiting ?? { reason: 'ContainerCreating' } }
}

function phaseOf(input: PodStatusInput, statuses: ContainerStatus[]): PodPhase {
  const policy = input.pod.spec.restartPolicy ?? 'Always'
  const running = statuses.filter((s) => 'running' in s.state).length
  const terminated = statuses.filter((s) => 'terminated' in s.state)
  const everRan = statuses.some((s) => s.restartCount > 0 || 'terminated' in s.state || 'running' in s.state)
  if (terminated.length === statuses.length && statuses.length > 0) {
    const failed = terminated.some((s) => 'terminated' in s.state && s.state.terminated.exitCode !== 0)
    if (policy === 'Never') return failed ? 'Failed' : 'Succeeded'
    if (policy === 'OnFailure' && !failed) return 'Succeeded'
  }
  if (running > 0) return 'Running'
  return everRan ? 'Running' : 'Scheduled'
}

function condition(type: string, ok: boolean, previous: PodStatus | undefined, now: string, reason?: string): PodCondition {
  const status = ok ? 'True' : 'False'
  const prev = previous?.conditions?.find((c) => c.type === type)
  return {
    type,
    status,
    ...(reason !== undefined && !ok ? { reason } : {}),
    lastTransitionTime: prev?.status === status && prev.lastTransitionTime !== undefined ? prev.lastTransitionTime : now,
  }
}

/** The status the node that runs a pod reports for it; pure, so it is tested on fixtures. */
export function podStatusFor(input: PodStatusInput): PodStatus {
  const statuses: ContainerStatus[] = input.pod.spec.containers.map((container) => {
    const current = newest(input.actual.filter((c) => c.containerName === container.name))
    const waiting = input.waiting.get(container.name)
    const state = waiting !== undefined && current?.state !== 'running' ? { waiting } : stateView(current, undefined)
    const history = input.history.get(container.name)
    const isRunning = 'running' in state
    return {
      name: container.name,
      state,
      lastState: history?.lastTermination ?? {},
      ready: isRunning && input.ready(container.name),
      started: isRunning,
      restartCount: history?.restartCount ?? 0,
      image: container.image ?? '',
      ...(current !== undefined ? { containerID: `${current.runtime}://${current.id}` } : {}),
    }
  })
  const phase = phaseOf(input, statuses)
  const allReady = statuses.length > 0 && statuses.every((s) => s.ready) && phase === 'Running'
  const notReadyNames = statuses.filter((s) => !s.ready).map((s) => s.name)
  const startTime = input.previous?.startTime ?? input.now
  return {
    phase,
    conditions: [
      condition('PodScheduled', true, input.previous, input.now),
      condition('Initialized', true, input.previous, input.now),
      condition('ContainersReady', allReady, input.previous, input.now, 'ContainersNotReady'),
      condition('Ready', allReady, input.previous, input.now, 'ContainersNotReady'),
    ],
    ...(notReadyNames.length > 0 && phase === 'Running' ? { message: `containers with unready status: [${notReadyNames.join(' ')}]` } : {}),
    hostIP: input.hostIP,
    podIP: input.hostIP,
    startTime,
    containerStatuses: statuses,
    allocatedPorts: input.binding.ports.map((p) => ({ container: p.container, ...(p.name !== undefined ? { name: p.name } : {}), containerPort: p.containerPort, hostPort: p.hostPort })),
    observedBy: input.selfId,
  }
}
