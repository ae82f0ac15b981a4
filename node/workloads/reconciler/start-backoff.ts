import type { BackoffPolicy } from './restart-tracker.js'
import { backoffDelay } from './restart-tracker.js'

/** Why a container could not be started: its image could not be pulled, or creating it failed. */
export type StartFailure = 'ErrImagePull' | 'CreateContainerError'

interface Entry {
  failures: number
  notBefore: number
  kind: StartFailure
  image: string | undefined
  /** A wait for this failure has been seen (see firstWait). */
  waited: boolean
}

/**
 * Back-off for containers that fail before they run (the kubelet's image pull back-off): each
 * failed pull or create doubles the wait before the next attempt, from baseMs up to maxMs, so an
 * unreachable registry or a bad image name is not retried on every sync. A success forgets it.
 */
export class StartBackoff {
  private readonly pods = new Map<string, Map<string, Entry>>()

  constructor(private readonly policy: Pick<BackoffPolicy, 'baseMs' | 'maxMs'>) {}

  /** Record a failure at `now`; returns the time the next attempt may start. */
  failed(podUid: string, container: string, kind: StartFailure, image: string | undefined, now: number): number {
    let m = this.pods.get(podUid)
    if (m === undefined) {
      m = new Map()
      this.pods.set(podUid, m)
    }
    const failures = (m.get(container)?.failures ?? 0) + 1
    const notBefore = now + backoffDelay(this.policy, failures)
    m.set(container, { failures, notBefore, kind, image, waited: false })
    return notBefore
  }

  /**
   * True the first time it is asked after a failure: the kubelet shows ErrImagePull for one
   * status update before ImagePullBackOff, so users see the error itself, not only the wait.
   */
  firstWait(podUid: string, container: string): boolean {
    const e = this.pods.get(podUid)?.get(container)
    if (e === undefined || e.waited) return false
    e.waited = true
    return true
  }

  succeeded(podUid: string, container: string): void {
    this.pods.get(podUid)?.delete(container)
  }

  get(podUid: string, container: string): Readonly<Entry> | undefined {
    return this.pods.get(podUid)?.get(container)
  }

  /** Containers whose next start must wait: name → until. */
  waits(podUid: string): Map<string, number> {
    return new Map([...(this.pods.get(podUid) ?? new Map<string, Entry>())].map(([k, v]) => [k, v.notBefore]))
  }

  forget(podUid: string): void {
    this.pods.delete(podUid)
  }
}
