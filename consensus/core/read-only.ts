// ReadIndex bookkeeping for ReadOnlySafe reads (Raft thesis §6.4), after etcd's read_only.go.
//
// A read is served at the leader's commit index once the leader has confirmed, by a heartbeat
// round that a quorum answered, that it was still the leader when the read arrived. Requests are
// numbered in arrival order; a heartbeat carries the number of the newest request, and a quorum
// acknowledging number k confirms every request up to k at once.

import type { JointConfig } from './quorum.js'
import { jointCommittedIndex } from './quorum.js'
import type { Message, NodeId } from './types.js'

export interface ReadIndexRequest {
  req: Message
  /** The leader's commit index when the request arrived. */
  index: number
}

export class ReadOnly {
  private readonly acks = new Map<NodeId, number>()
  private unconfirmed: ReadIndexRequest[] = []
  /** Number of requests confirmed so far. */
  private confirmed = 0

  addRequest(commit: number, req: Message): void {
    this.unconfirmed.push({ req, index: commit })
  }

  /** A heartbeat response echoing `ctx` (a request number) from `from`. */
  recvAck(from: NodeId, ctx: Uint8Array): void {
    const n = decodePosition(ctx)
    if (n === undefined) return
    this.acks.set(from, Math.max(this.acks.get(from) ?? 0, n))
  }

  /** Requests that a quorum has now confirmed, oldest first. */
  maybeAdvance(voters: JointConfig): ReadIndexRequest[] {
    let upTo = jointCommittedIndex(voters, (id) => this.acks.get(id))
    if (upTo === Infinity) upTo = 0
    if (upTo <= this.confirmed) return []
    const n = upTo - this.confirmed
    const done = this.unconfirmed.slice(0, n)
    this.unconfirmed = this.unconfirmed.slice(n)
    this.confirmed = upTo
    return done
  }

  /** Context for the next heartbeat: the number of the newest pending request, or empty. */
  heartbeatCtx(): Uint8Array {
    if (this.unconfirmed.length === 0) return new Uint8Array(0)
    return encodePosition(this.confirmed + this.unconfirmed.length)
  }

  pending(): number {
    return this.unconfirmed.length
  }
}

function encodePosition(n: number): Uint8Array {
  const out = new Uint8Array(8)
  const view = new DataView(out.buffer)
  view.setUint32(0, n % 0x1_0000_0000, true)
  view.setUint32(4, Math.floor(n / 0x1_0000_0000), true)
  return out
}

function decodePosition(ctx: Uint8Array): number | undefined {
  if (ctx.length !== 8) return undefined
  const view = new DataView(ctx.buffer, ctx.byteOffset, 8)
  return view.getUint32(0, true) + view.getUint32(4, true) * 0x1_0000_0000
}
