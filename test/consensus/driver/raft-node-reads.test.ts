import { afterEach, describe, expect, it } from 'vitest'
import { NotLeaderError, ProposalAbandonedError, RaftStoppedError } from '../../../consensus/driver/errors.js'
import { PendingProposals } from '../../../consensus/driver/pending-proposals.js'
import { waitFor } from '../../harness/wait.js'
import { cmd } from './kv-state-machine.js'
import type { MemoryMember } from './memory-network.js'
import { MemoryNetwork } from './memory-network.js'

let net: MemoryNetwork | undefined

afterEach(async () => {
  await net?.stop()
  net = undefined
})

const settled = (p: Promise<unknown>): Promise<unknown> => p.then((v) => ({ resolved: v }), (e: unknown) => e)
const others = (m: MemoryMember): string[] => net!.members.filter((o) => o !== m).map((o) => o.id)

describe('RaftNode linearizable reads and abandoned proposals', () => {
  it('serves reads on the leader and on followers once they applied every earlier write', async () => {
    net = await MemoryNetwork.create(3)
    const leader = await net.waitLeader()
    await leader.raft.propose(cmd('k=1'))
    for (const m of net.members) {
      await m.raft.linearizableRead()
      expect(m.sm.data.get('k')).toBe('1')
    }
  })

  it('a leader that loses leadership rejects unconfirmed reads and pending proposals, naming the new leader', async () => {
    // Node 0 is slow to time out, so once it leads it outlives its isolation (CheckQuorum would
    // make it step down with no leader known) until the new leader's heartbeat reaches it.
    net = await MemoryNetwork.create(3, (i) => (i === 0 ? { electionTicks: 300, proposalTimeoutMs: 30_000 } : {}))
    const slow = net.members[0]!
    const first = await net.waitLeader()
    if (first !== slow) {
      first.raft.transferLeadership(slow.id)
      await waitFor(() => slow.raft.isReadyLeader, { timeoutMs: 10_000, message: 'leadership moved to node 0' })
    }
    for (const o of others(slow)) {
      net.cutLinks(slow.id, [o])
      net.cutLinks(o, [slow.id])
    }
    const read = settled(slow.raft.linearizableRead(30_000))
    const proposal = settled(slow.raft.propose(cmd('lost=1')))
    const next = await net.waitLeader(net.members.filter((m) => m !== slow))
    net.restoreLink(next.id, slow.id)
    const [readErr, propErr] = await Promise.all([read, proposal])
    expect(readErr).toBeInstanceOf(NotLeaderError)
    expect((readErr as NotLeaderError).leader).toBe(next.id)
    expect(propErr).toBeInstanceOf(ProposalAbandonedError)
    expect((propErr as ProposalAbandonedError).leader).toBe(next.id)
    expect((propErr as Error).message).toContain(next.id)
  })

  it('stop() rejects waiting reads, on the leader and on a follower, and pending proposals', async () => {
    net = await MemoryNetwork.create(3)
    const leader = await net.waitLeader()
    const follower = net.members.find((m) => m !== leader)!
    // Nothing from the leader arrives: its reads and proposals stay unconfirmed, and so does the
    // read the follower forwards to it.
    net.cutLinks(leader.id, others(leader))
    const leaderRead = settled(leader.raft.linearizableRead(30_000))
    const proposal = settled(leader.raft.propose(cmd('pending=1')))
    const followerRead = settled(follower.raft.linearizableRead(30_000))
    await new Promise((r) => setTimeout(r, 50))
    await leader.raft.stop()
    await follower.raft.stop()
    expect(await leaderRead).toBeInstanceOf(RaftStoppedError)
    expect(await followerRead).toBeInstanceOf(RaftStoppedError)
    const err = await proposal
    expect(err).toBeInstanceOf(ProposalAbandonedError)
    // The stopping node was the leader itself: no hint to give.
    expect((err as ProposalAbandonedError).leader).toBe('')
  })
})

describe('PendingProposals', () => {
  it('abandons every waiter with the leader hint', async () => {
    const p = new PendingProposals('x')
    const a = settled(p.wait(p.nextId(), 10_000))
    const b = settled(p.wait(p.nextId(), 10_000))
    p.abandonAll('lost leadership', 'peer-2')
    for (const err of await Promise.all([a, b])) {
      expect(err).toBeInstanceOf(ProposalAbandonedError)
      expect((err as ProposalAbandonedError).leader).toBe('peer-2')
    }
    expect(p.size).toBe(0)
  })
})
