/** A container's waiting state as shown in `containerStatuses[].state.waiting`. */
export interface Waiting {
  reason: string
  message?: string
}

/**
 * Why each container of each pod on this node has no running instance right now
 * (ContainerCreating, Pulling, ErrImagePull, CrashLoopBackOff, ...): known only to the node
 * that tries to start it, and reported in the pod status it writes.
 */
export class WaitingStates {
  private readonly pods = new Map<string, Map<string, Waiting>>()

  get(podUid: string, container: string): Waiting | undefined {
    return this.pods.get(podUid)?.get(container)
  }

  of(podUid: string): ReadonlyMap<string, Waiting> {
    return this.pods.get(podUid) ?? new Map()
  }

  /** `undefined` clears it (the container runs). */
  set(podUid: string, container: string, waiting: Waiting | undefined): void {
    let m = this.pods.get(podUid)
    if (m === undefined) {
      m = new Map()
      this.pods.set(podUid, m)
    }
    if (waiting === undefined) m.delete(container)
    else m.set(container, waiting)
  }

  forget(podUid: string): void {
    this.pods.delete(podUid)
  }
}
