import { describe, expect, it } from 'vitest'
import type { Heartbeat } from '../../node/membership/heartbeat.js'
import { MemberTable } from '../../node/membership/member-table.js'
import { heartbeat } from './heartbeat-fixture.js'

const timing = { suspectMs: 3000, downMs: 5000, forgetMs: 60_000 }

function hb(peerId: string, seq: number, extra: Partial<Heartbeat> = {}): Heartbeat {
  return heartbeat(peerId, { p2p: [], capacity: { cpuMillis: 1000, memoryBytes: 1 }, allocatable: { cpuMillis: 1000, memoryBytes: 1 }, seq, ...extra })
}

describe('MemberTable', () => {
  it('moves a silent member alive → suspect → down at the configured times', () => {
    const t = new MemberTable('self', timing)
    expect(t.observe(hb('a', 1), 0).map((x) => x.to)).toEqual(['alive'])
    expect(t.tick(2999)).toEqual([])
    expect(t.tick(3000).map((x) => [x.from, x.to])).toEqual([['alive', 'suspect']])
    expect(t.tick(4999)).toEqual([])
    expect(t.tick(5000).map((x) => [x.from, x.to])).toEqual([['suspect', 'down']])
    expect(t.get('a')?.state).toBe('down')
  })

  it('revives a down member on a newer heartbeat', () => {
    const t = new MemberTable('self', timing)
    t.observe(hb('a', 1), 0)
    t.tick(6000)
    expect(t.observe(hb('a', 2), 6100).map((x) => [x.from, x.to])).toEqual([['down', 'alive']])
  })

  it('ignores reordered older heartbeats of the same run', () => {
    const t = new MemberTable('self', timing)
    t.observe(hb('a', 5), 0)
    expect(t.observe(hb('a', 4), 10)).toEqual([])
    expect(t.get('a')?.heartbeat.seq).toBe(5)
    expect(t.get('a')?.lastSeen).toBe(0)
  })

  it('records left on a leaving heartbeat and does not let a late one revive it', () => {
    const t = new MemberTable('self', timing)
    t.observe(hb('a', 1), 0)
    expect(t.observe(hb('a', 2, { leaving: true }), 100).map((x) => x.to)).toEqual(['left'])
    expect(t.observe(hb('a', 1), 200)).toEqual([])
    expect(t.get('a')?.state).toBe('left')
    // left members are not marked down by silence
    expect(t.tick(10_000)).toEqual([])
  })

  it('accepts a restarted member (later startedAt) even with a lower sequence', () => {
    const t = new MemberTable('self', timing)
    t.observe(hb('a', 50, { leaving: true }), 0)
    const tr = t.observe(hb('a', 1, { startedAt: '2026-01-01T00:01:00.000Z' }), 100)
    expect(tr.map((x) => [x.from, x.to])).toEqual([['left', 'alive']])
  })

  it('forgets left and down members after forgetMs', () => {
    const t = new MemberTable('self', { ...timing, forgetMs: 1000 })
    t.observe(hb('a', 1), 0)
    t.tick(5000)
    expect(t.tick(6000).map((x) => x.to)).toEqual(['forgotten'])
    expect(t.get('a')).toBeUndefined()
  })

  it('never suspects itself', () => {
    const t = new MemberTable('self', timing)
    t.observe(hb('self', 1), 0)
    expect(t.tick(100_000)).toEqual([])
    expect(t.get('self')?.self).toBe(true)
  })

  it('byName prefers the live record when a name is reused by a new identity', () => {
    const t = new MemberTable('self', timing)
    t.observe(hb('old', 1, { name: 'web' }), 0)
    t.tick(6000)
    t.observe(hb('new', 1, { name: 'web' }), 6000)
    expect(t.byName('web')?.heartbeat.peerId).toBe('new')
  })
})
