import type { ContainerStateView, PodStatus } from '../../objects/pod.js'
import type { ContainerInfo } from '../../runtime/types.js'
import type { RestartState } from './container-plan.js'
import type { ContainerHistory } from './pod-status.js'
import { stateView } from './pod-status.js'

export interface BackoffPolicy {
  baseMs: number
  maxMs: number
  /** A run at least this long counts as healthy and resets the back-off. */
  resetAfterMs: number
}

/** The wait after the `failures`-th failure in a row: baseMs, doubling with each one, at most maxMs. */
export function backoffDelay(policy: Pick<BackoffPolicy, 'baseMs' | 'maxMs'>, failures: number): number {
  return Math.min(policy.maxMs, policy.baseMs * 2 ** (failures - 1))
}

interface Entry extends ContainerHistory {
  failures: number
  notBefore: number
  /** The exited container whose back-off is already accounted for. */
  seenExit?: string
}

/**
 * Per-container restart history: the restart count users see, the previous termination, and the
 * crash-loop back-off (doubling from baseMs up to maxMs, reset by a long enough run). Restart
 * counts are seeded from the pod's stored status, so an agent restart does not zero them.
 */
export class RestartTracker {
  private readonly pods = new Map<string, Map<string, Entry>>()

  constructor(private readonly policy: BackoffPolicy) {}

  /** Adopt the counts from a status this node wrote before it restarted. */
  seed(podUid: string, status: PodStatus | undefined): void {
    if (this.pods.has(podUid)) return
    const m = new Map<string, Entry>()
    for (const cs of status?.containerStatuses ?? []) {
      const lastTermination = cs.lastState !== undefined && 'terminated' in cs.lastState ? (cs.lastState as ContainerStateView) : undefined
      m.set(cs.name, { restartCount: cs.restartCount, failures: 0, notBefore: 0, ...(lastTermination !== undefined ? { lastTermination } : {}) })
    }
    this.pods.set(podUid, m)
  }

  private entry(podUid: string, container: string): Entry {
    let m = this.pods.get(podUid)
    if (m === undefined) {
      m = new Map()
      this.pods.set(podUid, m)
    }
    let e = m.get(container)
    if (e === undefined) {
      e = { restartCount: 0, failures: 0, notBefore: 0 }
      m.set(container, e)
    }
    return e
  }

  /** Record an exit once; returns the back-off that now applies. */
  observeExit(podUid: string, c: ContainerInfo): number {
    const e = this.entry(podUid, c.containerName)
    if (e.seenExit === c.id) return e.notBefore
    e.seenExit = c.id
    const finished = Date.parse(c.finishedAt ?? '') || Date.now()
    const ranMs = finished - (Date.parse(c.startedAt ?? '') || finished)
    e.failures = ranMs >= this.policy.resetAfterMs ? 1 : e.failures + 1
    e.notBefore = finished + backoffDelay(this.policy, e.failures)
    e.lastTermination = stateView(c, undefined)
    return e.notBefore
  }

  restarted(podUid: string, container: string): void {
    this.entry(podUid, container).restartCount++
  }

  restartStates(podUid: string): Map<string, RestartState> {
    return new Map([...(this.pods.get(podUid) ?? new Map<string, Entry>())].map(([k, v]) => [k, { notBefore: v.notBefore }]))
  }

  history(podUid: string): Map<string, ContainerHistory> {
    return this.pods.get(podUid) ?? new Map()
  }

  forget(podUid: string): void {
    this.pods.delete(podUid)
  }

  tracked(): string[] {
    return [...this.pods.keys()]
  }
}
