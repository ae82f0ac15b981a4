import type { Heartbeat } from '../../node/membership/heartbeat.js'
import type { Member, MemberState } from '../../node/membership/member-table.js'

/** A valid heartbeat for `peerId`, named `node-<peerId>` unless `extra` says otherwise. */
export function heartbeat(peerId: string, extra: Partial<Heartbeat> = {}): Heartbeat {
  return {
    v: 1,
    name: `node-${peerId}`,
    peerId,
    p2p: [`/ip4/127.0.0.1/tcp/${4000 + peerId.length}`],
    api: 'http://127.0.0.1:1',
    capacity: { cpuMillis: 1000, memoryBytes: 1024 },
    allocatable: { cpuMillis: 1000, memoryBytes: 1024 },
    usage: { memoryBytes: 0, load1: 0 },
    labels: {},
    runtimes: ['process'],
    version: '0.1.0',
    startedAt: '2026-01-01T00:00:00.000Z',
    seq: 1,
    ...extra,
  }
}

/** A member-table row, as membership hands them out. */
export function member(peerId: string, state: MemberState = 'alive', extra: Partial<Heartbeat> = {}, self = false): Member {
  return { heartbeat: heartbeat(peerId, extra), state, lastSeen: 0, since: 0, self }
}
