import { afterEach, describe, expect, it } from 'vitest'
import { Formation } from '../../../node/consensus/formation.js'
import { MemoryProposalStore } from '../../../node/consensus/proposal-store.js'
import { AgentEventBus } from '../../../node/events.js'
import type { Member } from '../../../node/membership/member-table.js'
import { waitFor } from '../../harness/wait.js'
import { member } from '../../node/heartbeat-fixture.js'
import { silent } from '../transport/libp2p-fixture.js'

class FakeRaft {
  isEmpty = true
  formed: string[] | undefined
  constructor(readonly id: string) {}
  bootstrap(voters: string[]): boolean {
    if (!this.isEmpty) return false
    this.formed = voters
    this.isEmpty = false
    return true
  }
}

/** A member started with --bootstrap-expect 3 and no raft state, advertising `formation` if given. */
const candidate = (id: string, formation?: string[], self = false): Member =>
  member(id, 'alive', { bootstrapExpect: 3, raft: { role: 'follower', term: 0, leader: '', empty: true, ...(formation ? { formation } : {}) } }, self)

let formation: Formation | undefined

afterEach(() => {
  formation?.stop()
  formation = undefined
})

function start(raft: FakeRaft, members: () => Member[], proposals: MemoryProposalStore): Formation {
  formation = new Formation(
    { raft, members, events: new AgentEventBus(), logger: silent(), proposals },
    { firstNode: false, bootstrapExpect: 3, checkIntervalMs: 5, settleMs: 0 },
  )
  return formation
}

describe('Formation with --bootstrap-expect', () => {
  it('stores its proposal before advertising it, keeps it across a restart, and bootstraps on agreement', async () => {
    const raft = new FakeRaft('a')
    const store = new MemoryProposalStore()
    let others: Member[] = [candidate('b'), candidate('c')]
    const f = start(raft, () => [candidate('a', undefined, true), ...others], store)
    await f.start()
    await waitFor(() => f.proposal, { message: 'a proposal' })
    expect(await store.read()).toEqual(['a', 'b', 'c'])
    expect(raft.formed).toBeUndefined()
    // Restarted: it advertises the stored set at once, even though it now sees a lower id.
    f.stop()
    others = [candidate('0'), candidate('b', ['a', 'b', 'c']), candidate('c', ['a', 'b', 'c'])]
    const again = start(raft, () => [candidate('a', ['a', 'b', 'c'], true), ...others], store)
    await again.start()
    expect(again.proposal).toEqual(['a', 'b', 'c'])
    await waitFor(() => raft.formed, { message: 'bootstrapped' })
    expect(raft.formed).toEqual(['a', 'b', 'c'])
  })

  it('does not bootstrap while a proposed voter advertises another set', async () => {
    const raft = new FakeRaft('a')
    const store = new MemoryProposalStore()
    await store.write(['a', 'b', 'c'])
    const f = start(raft, () => [candidate('a', ['a', 'b', 'c'], true), candidate('b', ['a', 'b', 'c']), candidate('c', ['a', 'c', 'd'])], store)
    await f.start()
    await new Promise((r) => setTimeout(r, 100))
    expect(raft.formed).toBeUndefined()
  })
})
