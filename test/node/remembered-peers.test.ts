import { describe, expect, it } from 'vitest'
import { RememberedPeers } from '../../node/membership/remembered-peers.js'
import { member } from './heartbeat-fixture.js'

const old = (peerId: string): { peerId: string; addrs: string[] } => ({ peerId, addrs: [`/ip4/127.0.0.1/tcp/9${peerId.length}`] })

describe('RememberedPeers (what peers.json holds)', () => {
  it('keeps the peers of the last run until this run hears of them, and never lists itself', () => {
    const r = new RememberedPeers([old('a'), old('b')], { forgetMs: 60_000, startedAt: 0 })
    expect(r.list([member('me', 'alive', {}, true)], 1000).map((p) => p.peerId)).toEqual(['a', 'b'])
    expect(r.list([member('me', 'alive', {}, true), member('a')], 2000)).toEqual([{ peerId: 'a', addrs: member('a').heartbeat.p2p }, old('b')])
  })

  it('drops a member that left, so a node whose peers all left remembers nobody', () => {
    const r = new RememberedPeers([old('a')], { forgetMs: 60_000, startedAt: 0 })
    expect(r.list([member('a'), member('b')], 1000).map((p) => p.peerId)).toEqual(['a', 'b'])
    expect(r.list([member('a', 'left'), member('b', 'left')], 2000)).toEqual([])
    // Forgotten by the member table later: still not remembered, not resurrected from the old file.
    expect(r.list([], 3000)).toEqual([])
  })

  it('keeps down members (they may come back) but lets go of old peers never heard of after forgetMs', () => {
    const r = new RememberedPeers([old('gone')], { forgetMs: 10_000, startedAt: 5000 })
    expect(r.list([member('b', 'down')], 14_999).map((p) => p.peerId)).toEqual(['b', 'gone'])
    expect(r.list([member('b', 'down')], 15_000).map((p) => p.peerId)).toEqual(['b'])
  })
})
