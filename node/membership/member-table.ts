import type { MembershipTiming } from '../config/agent-config.js'
import type { Heartbeat } from './heartbeat.js'

export type MemberState = 'alive' | 'suspect' | 'down' | 'left'

export interface Member {
  heartbeat: Heartbeat
  state: MemberState
  /** Local clock (ms) when the last heartbeat arrived; never the sender's clock. */
  lastSeen: number
  /** Local clock (ms) of the last state change. */
  since: number
  self: boolean
}

export interface Transition {
  member: Member
  from: MemberState | undefined
  to: MemberState | 'forgotten'
}

/**
 * The failure detector as a pure table: heartbeats and the clock go in, state transitions come
 * out. alive → suspect → down by silence; `left` only on a graceful leave; any newer heartbeat
 * revives a member. Kept free of timers so tests drive it with a fake clock.
 */
export class MemberTable {
  private readonly members = new Map<string, Member>()

  constructor(
    private readonly selfPeerId: string,
    private readonly timing: Pick<MembershipTiming, 'suspectMs' | 'downMs' | 'forgetMs'>,
  ) {}

  observe(hb: Heartbeat, now: number): Transition[] {
    const existing = this.members.get(hb.peerId)
    if (existing !== undefined && !isNewer(hb, existing.heartbeat)) return []
    const to: MemberState = hb.leaving === true ? 'left' : 'alive'
    const member: Member = {
      heartbeat: hb,
      state: to,
      lastSeen: now,
      since: existing?.state === to ? existing.since : now,
      self: hb.peerId === this.selfPeerId,
    }
    this.members.set(hb.peerId, member)
    return existing?.state === to ? [] : [{ member, from: existing?.state, to }]
  }

  tick(now: number): Transition[] {
    const out: Transition[] = []
    for (const [id, m] of this.members) {
      if (m.self) continue
      const silent = now - m.lastSeen
      let to: MemberState | 'forgotten' = m.state
      if (m.state === 'left' || m.state === 'down') {
        if (now - m.since >= this.timing.forgetMs) to = 'forgotten'
      } else if (silent >= this.timing.downMs) to = 'down'
      else if (silent >= this.timing.suspectMs) to = 'suspect'
      if (to === m.state) continue
      if (to === 'forgotten') {
        this.members.delete(id)
        out.push({ member: m, from: m.state, to })
        continue
      }
      const from = m.state
      m.state = to
      m.since = now
      out.push({ member: m, from, to })
    }
    return out
  }

  get(peerId: string): Member | undefined {
    return this.members.get(peerId)
  }

  byName(name: string): Member | undefined {
    let best: Member | undefined
    // Two records can share a name after a node was rebuilt with a new identity: prefer the live one.
    for (const m of this.members.values()) {
      if (m.heartbeat.name !== name) continue
      if (best === undefined || rank(m) > rank(best)) best = m
    }
    return best
  }

  list(): Member[] {
    return [...this.members.values()].sort((a, b) => a.heartbeat.name.localeCompare(b.heartbeat.name))
  }
}

function rank(m: Member): number {
  return (m.state === 'alive' ? 4 : m.state === 'suspect' ? 3 : m.state === 'down' ? 2 : 1) * 1e15 + m.lastSeen
}

/** A heartbeat supersedes another from a later run of the agent, or a later one of the same run. */
function isNewer(hb: Heartbeat, prev: Heartbeat): boolean {
  if (hb.startedAt !== prev.startedAt) return Date.parse(hb.startedAt) > Date.parse(prev.startedAt)
  return hb.seq > prev.seq || (hb.seq === prev.seq && hb.leaving === true && prev.leaving !== true)
}
