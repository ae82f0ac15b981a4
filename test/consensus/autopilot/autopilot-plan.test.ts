import { describe, expect, it } from 'vitest'
import type { AutopilotInput } from '../../../node/consensus/autopilot-plan.js'
import { desiredVoters, planAutopilot } from '../../../node/consensus/autopilot-plan.js'

const opts = { maxVoters: 5, replaceAfterMs: 10_000, maxLag: 10 }

function input(partial: Partial<AutopilotInput>): AutopilotInput {
  return { self: 'a', members: [], voters: ['a'], learners: [], joint: false, progress: {}, commit: 100, now: 100_000, unknownSince: {}, ...partial }
}

const alive = (...ids: string[]): AutopilotInput['members'] => ids.map((id) => ({ id, state: 'alive' as const, since: 0 }))

describe('desiredVoters', () => {
  it.each([
    [1, 1],
    [2, 1],
    [3, 3],
    [4, 3],
    [5, 5],
    [9, 5],
  ])('%d members → %d voters', (n, v) => expect(desiredVoters(n, 5)).toBe(v))
})

describe('planAutopilot', () => {
  it('adds a new live member as a learner first', () => {
    expect(planAutopilot(input({ members: alive('a', 'b') }), opts)).toMatchObject({ type: 'add-learner', nodeId: 'b' })
  })

  it('promotes a caught-up learner when the cluster can hold more voters, and not a lagging one', () => {
    const members = alive('a', 'b', 'c')
    const base = { members, voters: ['a'], learners: ['b', 'c'] }
    expect(planAutopilot(input({ ...base, progress: { b: { match: 100 }, c: { match: 50 } } }), opts)).toMatchObject({ type: 'add-node', nodeId: 'b' })
    expect(planAutopilot(input({ ...base, progress: { b: { match: 10 }, c: { match: 50 } } }), opts)).toBeUndefined()
  })

  it('keeps a sixth node a learner with five voters', () => {
    const members = alive('a', 'b', 'c', 'd', 'e', 'f')
    const progress = Object.fromEntries(['b', 'c', 'd', 'e', 'f'].map((id) => [id, { match: 100 }]))
    expect(planAutopilot(input({ members, voters: ['a', 'b', 'c', 'd', 'e'], learners: ['f'], progress }), opts)).toBeUndefined()
  })

  it('replaces a voter down past the window: promote first, then remove the dead one', () => {
    const members = [...alive('a', 'b', 'd'), { id: 'c', state: 'down' as const, since: 80_000 }]
    const progress = { b: { match: 100 }, d: { match: 100 } }
    const step1 = planAutopilot(input({ members, voters: ['a', 'b', 'c'], learners: ['d'], progress }), opts)
    expect(step1).toMatchObject({ type: 'add-node', nodeId: 'd' })
    const step2 = planAutopilot(input({ members, voters: ['a', 'b', 'c', 'd'], learners: [], progress }), opts)
    expect(step2).toMatchObject({ type: 'remove-node', nodeId: 'c' })
  })

  it('waits out the window before replacing a voter', () => {
    const members = [...alive('a', 'b', 'd'), { id: 'c', state: 'down' as const, since: 95_000 }]
    expect(planAutopilot(input({ members, voters: ['a', 'b', 'c'], learners: ['d'], progress: { b: { match: 100 }, d: { match: 100 } } }), opts)).toBeUndefined()
  })

  it('removes a member that left, but never breaks the quorum doing it', () => {
    const left = { id: 'c', state: 'left' as const, since: 0 }
    expect(planAutopilot(input({ members: [...alive('a', 'b'), left], voters: ['a', 'b', 'c'], progress: { b: { match: 100 } } }), opts)).toMatchObject({ type: 'remove-node', nodeId: 'c' })
    // b is down too: removing c would leave {a, b} with one healthy voter of two
    const bDown = { id: 'b', state: 'down' as const, since: 99_000 }
    expect(planAutopilot(input({ members: [...alive('a'), bDown, left], voters: ['a', 'b', 'c'] }), opts)).toBeUndefined()
  })

  it('does nothing while a joint configuration is being left', () => {
    expect(planAutopilot(input({ members: alive('a', 'b'), joint: true }), opts)).toBeUndefined()
  })

  it('demotes live voters above the target when the cluster shrinks, never itself', () => {
    const members = alive('a', 'b')
    const plan = planAutopilot(input({ members, voters: ['a', 'b', 'c'], progress: { b: { match: 100 } } }), opts)
    // c is unknown to membership (forgotten): two present members want one voter; the least
    // caught-up voter is demoted first, and only while the rest still hold a quorum
    expect(plan).toMatchObject({ type: 'add-learner', nodeId: 'c' })
  })

  it('replaces a voter it has no member record for once that has lasted the window', () => {
    // c was forgotten by membership (down for longer than forgetMs), or this leader never heard from it
    const members = alive('a', 'b', 'd')
    const progress = { b: { match: 100 }, d: { match: 100 } }
    const unknownSince = { c: 85_000 }
    const step1 = planAutopilot(input({ members, voters: ['a', 'b', 'c'], learners: ['d'], progress, unknownSince }), opts)
    expect(step1).toMatchObject({ type: 'add-node', nodeId: 'd', reason: 'replacing voter c that is down' })
    const step2 = planAutopilot(input({ members, voters: ['a', 'b', 'c', 'd'], learners: [], progress, unknownSince }), opts)
    expect(step2).toMatchObject({ type: 'remove-node', nodeId: 'c' })
  })

  it('gives a voter without a member record the whole window, counted from when the leader noticed', () => {
    const members = alive('a', 'b', 'd')
    const base = { members, voters: ['a', 'b', 'c'], learners: ['d'], progress: { b: { match: 100 }, d: { match: 100 } } }
    expect(planAutopilot(input({ ...base, unknownSince: { c: 95_000 } }), opts)).toBeUndefined()
    // not noticed yet: counts as just noticed
    expect(planAutopilot(input({ ...base, unknownSince: {} }), opts)).toBeUndefined()
  })

  it('removes a learner without a member record after the window', () => {
    const members = alive('a', 'b', 'c')
    const progress = { b: { match: 100 }, c: { match: 100 } }
    const plan = planAutopilot(input({ members, voters: ['a', 'b', 'c'], learners: ['e'], progress, unknownSince: { e: 50_000 } }), opts)
    expect(plan).toMatchObject({ type: 'remove-node', nodeId: 'e', reason: 'learner is down' })
  })

  it('never removes an unknown voter when the rest could not hold a quorum', () => {
    // five voters, two unknown and one down: removing one unknown would leave 2 healthy of 4
    const members = [...alive('a', 'b'), { id: 'e', state: 'down' as const, since: 0 }]
    const plan = planAutopilot(
      input({ members, voters: ['a', 'b', 'c', 'd', 'e'], progress: { b: { match: 100 } }, unknownSince: { c: 0, d: 0 } }),
      opts,
    )
    expect(plan).toBeUndefined()
  })
})
