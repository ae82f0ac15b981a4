// Flow control for optimistic replication, after etcd's tracker/inflights.go: the leader keeps the
// last index of every append it sent to a follower in StateReplicate and stops sending once
// `size` messages or `maxBytes` bytes are unacknowledged, so a slow follower cannot make the
// leader buffer an unbounded backlog.

interface Inflight {
  /** Last entry index carried by the message. */
  index: number
  bytes: number
}

export class Inflights {
  private items: Inflight[] = []
  private head = 0
  private bytes = 0

  constructor(
    readonly size: number,
    readonly maxBytes: number = Infinity,
  ) {}

  /** Record a sent append whose last entry is `index`. Indexes must be increasing. */
  add(index: number, bytes: number): void {
    if (this.full()) throw new Error('cannot add to full inflights')
    this.items.push({ index, bytes })
    this.bytes += bytes
  }

  /** Forget every message whose last index is <= `to`: the follower acknowledged them. */
  freeLE(to: number): void {
    while (this.head < this.items.length && this.items[this.head]!.index <= to) {
      this.bytes -= this.items[this.head]!.bytes
      this.head++
    }
    // Compact lazily so that freeing stays O(1) amortised.
    if (this.head === this.items.length) {
      this.items = []
      this.head = 0
    } else if (this.head > 64 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head)
      this.head = 0
    }
  }

  full(): boolean {
    return this.count() >= this.size || this.bytes >= this.maxBytes
  }

  count(): number {
    return this.items.length - this.head
  }

  reset(): void {
    this.items = []
    this.head = 0
    this.bytes = 0
  }

  clone(): Inflights {
    const c = new Inflights(this.size, this.maxBytes)
    c.items = this.items.slice(this.head).map((i) => ({ ...i }))
    c.bytes = this.bytes
    return c
  }
}
