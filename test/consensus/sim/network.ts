// The simulated network: per-message loss, duplication and random delay (which reorders), and
// partitions that cut links, possibly in one direction only.

import type { Prng } from '../../../lib/prng.js'
import type { Message, NodeId } from '../../../consensus/core/types.js'

export interface NetworkFaults {
  dropRate: number
  dupRate: number
  minDelay: number
  maxDelay: number
}

export class SimNetwork {
  /** Directed links that drop everything: "from|to". */
  private cut = new Set<string>()
  sent = 0
  dropped = 0

  constructor(
    private readonly prng: Prng,
    public faults: NetworkFaults,
  ) {}

  /** Delivery delays for a message just sent: none when lost, two when duplicated. */
  delays(): number[] {
    this.sent++
    const f = this.faults
    if (this.prng.chance(f.dropRate)) {
      this.dropped++
      return []
    }
    const d = [this.prng.int(f.minDelay, f.maxDelay + 1)]
    if (this.prng.chance(f.dupRate)) d.push(this.prng.int(f.minDelay, f.maxDelay + 1))
    return d
  }

  /** Whether a message may arrive now; a partition also eats messages already in flight. */
  canDeliver(m: Message): boolean {
    return !this.cut.has(`${m.from}|${m.to}`)
  }

  partitioned(): boolean {
    return this.cut.size > 0
  }

  /** Cut every link between different groups (both directions). */
  split(groups: NodeId[][]): void {
    this.cut.clear()
    for (const g of groups) {
      for (const h of groups) {
        if (g === h) continue
        for (const a of g) for (const b of h) this.cut.add(`${a}|${b}`)
      }
    }
  }

  /** Cut one direction of one link (a node that can send but not hear, or the reverse). */
  cutOneWay(from: NodeId, to: NodeId): void {
    this.cut.add(`${from}|${to}`)
  }

  heal(): void {
    this.cut.clear()
  }

  describe(): string {
    return this.cut.size === 0 ? 'connected' : [...this.cut].sort().join(' ')
  }
}
