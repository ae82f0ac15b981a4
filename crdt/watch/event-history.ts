import { ResourceVersionTooOldError } from '../errors.js'
import type { KubeObject } from '../model/kube-object.js'

export type ChangeType = 'ADDED' | 'MODIFIED' | 'DELETED'

/** One change to one object as this node saw it, before any watcher's filter. */
export interface ChangeRecord {
  rv: number
  kind: string
  key: string
  type: ChangeType
  /** The object after the change (for DELETED, its last state with the deletion's rv). */
  object: KubeObject
  /** The object before a MODIFIED change, so filtered watches can tell entering from leaving. */
  previous?: KubeObject
}

/**
 * A ring buffer of the most recent changes. Every record's rv is one above the previous one (the
 * index issues exactly one rv per record), so finding where to resume is arithmetic.
 */
export class EventHistory {
  private readonly ring: (ChangeRecord | undefined)[]
  private head = 0
  private count = 0
  /** The newest rv no longer (or never) held: a watch may resume from any rv >= floor. */
  private floor: number

  constructor(
    private readonly capacity: number,
    startRv: number,
  ) {
    this.ring = new Array<ChangeRecord | undefined>(capacity)
    this.floor = startRv
  }

  get oldest(): number {
    return this.floor
  }

  get newest(): number {
    return this.floor + this.count
  }

  push(record: ChangeRecord): void {
    if (record.rv !== this.newest + 1) throw new Error(`history out of order: ${record.rv} after ${this.newest}`)
    if (this.capacity === 0) {
      this.floor = record.rv
      return
    }
    if (this.count === this.capacity) {
      this.head = (this.head + 1) % this.capacity
      this.floor++
      this.count--
    }
    this.ring[(this.head + this.count) % this.capacity] = record
    this.count++
  }

  /** Records with rv > `rv`, oldest first; throws when `rv` is outside [oldest, newest]. */
  since(rv: number): ChangeRecord[] {
    if (rv < this.floor || rv > this.newest) throw new ResourceVersionTooOldError(rv, this.floor, this.newest)
    const out: ChangeRecord[] = []
    for (let i = rv - this.floor; i < this.count; i++) out.push(this.ring[(this.head + i) % this.capacity]!)
    return out
  }
}
