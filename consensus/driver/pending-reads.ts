interface ReadWaiter {
  /** The commit index the leader confirmed for this read; undefined until it answers. */
  index: number | undefined
  resolve: () => void
  reject: (err: Error) => void
  timer: NodeJS.Timeout
}

/**
 * Linearizable reads waiting on this node (ReadIndex, Raft thesis §6.4): first for a leader to
 * confirm the commit index the read must see, then for this node to apply up to it.
 */
export class PendingReads {
  private readonly waiters = new Map<string, ReadWaiter>()

  /** Register read `id`; it rejects with `onTimeout()` if it is not served within `timeoutMs`. */
  wait(id: string, timeoutMs: number, onTimeout: () => Error): Promise<void> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters.delete(id)
        reject(onTimeout())
      }, timeoutMs)
      this.waiters.set(id, { index: undefined, resolve, reject, timer })
    })
  }

  /** A leader confirmed `index` for read `id`. */
  confirm(id: string, index: number): void {
    const w = this.waiters.get(id)
    if (w !== undefined) w.index = index
  }

  /** Resolve every confirmed read whose index this node has applied. */
  serve(applied: number): void {
    for (const [id, w] of this.waiters) {
      if (w.index !== undefined && applied >= w.index) this.settle(id, w)
    }
  }

  /**
   * The leader changed: a read not yet confirmed may never be, since its request (or the answer)
   * went with the old leader. Confirmed reads stay valid — their index was fixed while a quorum
   * still acknowledged that leader — and are served once applied.
   */
  rejectUnconfirmed(err: () => Error): void {
    for (const [id, w] of this.waiters) if (w.index === undefined) this.settle(id, w, err())
  }

  /** The node stops applying: nothing waiting can be served. */
  rejectAll(err: () => Error): void {
    for (const [id, w] of this.waiters) this.settle(id, w, err())
  }

  reject(id: string, err: Error): void {
    const w = this.waiters.get(id)
    if (w !== undefined) this.settle(id, w, err)
  }

  get size(): number {
    return this.waiters.size
  }

  private settle(id: string, w: ReadWaiter, err?: Error): void {
    this.waiters.delete(id)
    clearTimeout(w.timer)
    if (err === undefined) w.resolve()
    else w.reject(err)
  }
}
