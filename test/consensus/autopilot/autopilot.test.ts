import { describe, expect, it } from 'vitest'
import type { ConfChange } from '../../../consensus/core/conf-change.js'
import type { RaftNode } from '../../../consensus/driver/raft-node.js'
import { Autopilot } from '../../../node/consensus/autopilot.js'
import { AgentEventBus } from '../../../node/events.js'
import type { Member } from '../../../node/membership/member-table.js'
import { silent } from '../transport/libp2p-fixture.js'
import { member } from '../../node/heartbeat-fixture.js'

type Status = ReturnType<RaftNode['status']>

/** The slice of a raft leader autopilot reads, with the changes it proposes recorded. */
class FakeLeader {
  readonly id = 'a'
  isReadyLeader = true
  voters = ['a', 'b', 'c']
  learners = ['d']
  readonly proposed: ConfChange['changes'] = []

  status(): Status {
    const progress = Object.fromEntries(['a', 'b', 'c', 'd'].map((id) => [id, { match: 100 }]))
    return { voters: this.voters, learners: this.learners, votersOutgoing: [], commit: 100, progress } as unknown as Status
  }

  proposeConfChange(cc: Omit<ConfChange, 'context'>): Promise<never> {
    this.proposed.push(...cc.changes)
    return Promise.reject(new Error('recorded only'))
  }
}

describe('Autopilot', () => {
  it('counts a voter with no member record as down from when this leader first noticed it', async () => {
    const raft = new FakeLeader()
    let now = 1_000_000
    // c is a voter, but membership has no record of it (forgotten long ago, or never heard from)
    const members = (): Member[] => [member('a', 'alive', {}, true), member('b'), member('d')]
    const pilot = new Autopilot({ raft, members, events: new AgentEventBus(), logger: silent() }, { replaceAfterMs: 20_000, now: () => now })
    await pilot.run()
    now += 19_000
    await pilot.run()
    expect(raft.proposed).toEqual([])
    now += 1_000
    await pilot.run()
    expect(raft.proposed).toEqual([{ type: 'add-node', nodeId: 'd' }])
  })

  it('starts the count again after losing and regaining leadership', async () => {
    const raft = new FakeLeader()
    let now = 0
    const members = (): Member[] => [member('a', 'alive', {}, true), member('b'), member('d')]
    const pilot = new Autopilot({ raft, members, events: new AgentEventBus(), logger: silent() }, { replaceAfterMs: 20_000, now: () => now })
    await pilot.run()
    now = 15_000
    raft.isReadyLeader = false
    await pilot.run()
    raft.isReadyLeader = true
    await pilot.run()
    now = 30_000
    await pilot.run()
    expect(raft.proposed).toEqual([])
    now = 35_000
    await pilot.run()
    expect(raft.proposed).toEqual([{ type: 'add-node', nodeId: 'd' }])
  })
})
