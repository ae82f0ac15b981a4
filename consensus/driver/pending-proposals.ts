import { ProposalAbandonedError, ProposalTimeoutError } from './errors.js'

interface Waiter {
  resolve: (value: unknown) => void
  reject: (err: Error) => void
  timer: NodeJS.Timeout
}

/** Callers waiting for their proposals to be applied, by proposal id. */
export class PendingProposals {
  private readonly waiters = new Map<string, Waiter>()
  private seq = 0

  constructor(private readonly prefix: string) {}

  nextId(): string {
    return `${this.prefix}:${(++this.seq).toString(36)}`
  }

  wait(id: string, timeoutMs: number): Promise<unknown> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters.delete(id)
        reject(new ProposalTimeoutError(timeoutMs))
      }, timeoutMs)
      this.waiters.set(id, { resolve, reject, timer })
    })
  }

  resolve(id: string, value: unknown): void {
    const w = this.waiters.get(id)
    if (w === undefined) return
    this.waiters.delete(id)
    clearTimeout(w.timer)
    w.resolve(value)
  }

  reject(id: string, err: Error): void {
    const w = this.waiters.get(id)
    if (w === undefined) return
    this.waiters.delete(id)
    clearTimeout(w.timer)
    w.reject(err)
  }

  /** Fail every waiter (stop, or leadership lost: their entries may never commit). */
  abandonAll(reason: string, leader = ''): void {
    for (const id of [...this.waiters.keys()]) this.reject(id, new ProposalAbandonedError(reason, leader))
  }

  get size(): number {
    return this.waiters.size
  }
}
