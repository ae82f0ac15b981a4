import { afterEach, describe, expect, it } from 'vitest'
import { TestCluster } from '../harness/in-process.js'
import { agreedLeader, raftView } from '../harness/raft-view.js'
import { waitFor } from '../harness/wait.js'

let cluster: TestCluster | undefined

afterEach(async () => {
  await cluster?.close()
  cluster = undefined
})

const fastRaft = { raft: { tickMs: 20, electionTicks: 10, heartbeatTicks: 1, voterReplaceMs: 2000, snapshotEntries: 10_000 } }

describe('raft formation and autopilot (in-process agents)', () => {
  it('the first node forms a cluster alone; joiners become learners and are promoted to three voters', async () => {
    cluster = await TestCluster.start(3, { config: fastRaft })
    const apis = cluster.agents.map((a) => a.api)
    const ids = cluster.agents.map((a) => a.peerId).sort()
    for (const api of apis) {
      await waitFor(async () => (await raftView(api)).voters.length === 3, { message: 'three voters everywhere', timeoutMs: 20_000 })
    }
    const leader = await waitFor(() => agreedLeader(apis), { message: 'one agreed leader' })
    expect(ids).toContain(leader)
    expect((await raftView(apis[2]!)).voters.sort()).toEqual(ids)
    const roles = await Promise.all(apis.map(async (a) => (await raftView(a)).role))
    expect(roles.filter((r) => r === 'leader')).toHaveLength(1)
  })

  it('grows to five voters and keeps the sixth node a learner', async () => {
    cluster = await TestCluster.start(6, { config: fastRaft })
    const api = cluster.agents[0]!.api
    await waitFor(async () => {
      const v = await raftView(api)
      return v.voters.length === 5 && v.learners.length === 1
    }, { message: '5 voters + 1 learner', timeoutMs: 30_000 })
  })

  it('--bootstrap-expect 3: three nodes that list each other form the voter set together', async () => {
    cluster = await TestCluster.create()
    const config = { ...fastRaft, bootstrapExpect: 3 }
    const a = await cluster.add({ name: 'a', config })
    const b = await cluster.add({ name: 'b', via: [a], config })
    // no leader yet with two of three
    await new Promise((r) => setTimeout(r, 800))
    expect((await raftView(a.api)).leader).toBe('')
    const c = await cluster.add({ name: 'c', via: [a, b], config })
    const apis = [a.api, b.api, c.api]
    await waitFor(() => agreedLeader(apis), { message: 'leader after the third node', timeoutMs: 20_000 })
    expect((await raftView(c.api)).voters.sort()).toEqual([a.peerId, b.peerId, c.peerId].sort())
  })

  it('--bootstrap-expect 3 with four such nodes: they agree on one voter set and the fourth becomes a learner', async () => {
    cluster = await TestCluster.create()
    const config = { ...fastRaft, bootstrapExpect: 3 }
    const a = await cluster.add({ name: 'a', config })
    const b = await cluster.add({ name: 'b', via: [a], config })
    const c = await cluster.add({ name: 'c', via: [a, b], config })
    const d = await cluster.add({ name: 'd', via: [a, b, c], config })
    const all = [a, b, c, d]
    await waitFor(() => agreedLeader(all.map((x) => x.api)), { message: 'one leader for all four', timeoutMs: 20_000 })
    const views = await waitFor(async () => {
      const vs = await Promise.all(all.map((x) => raftView(x.api)))
      return vs.every((v) => v.voters.length === 3 && v.learners.length === 1) ? vs : undefined
    }, { message: '3 voters and a learner everywhere', timeoutMs: 20_000 })
    for (const v of views) expect(v.voters.sort()).toEqual(views[0]!.voters.sort())
  })

  it('a gracefully leaving voter is removed from the configuration and leadership moves first', async () => {
    cluster = await TestCluster.start(4, { config: fastRaft })
    const api = cluster.agents[0]!.api
    await waitFor(async () => (await raftView(api)).voters.length === 3, { timeoutMs: 20_000 })
    const leaderId = await waitFor(() => agreedLeader(cluster!.agents.map((x) => x.api)))
    const leader = cluster.agents.find((x) => x.peerId === leaderId)!
    await leader.stop()
    const rest = cluster.agents.filter((x) => x !== leader)
    await waitFor(async () => {
      const v = await raftView(rest[0]!.api)
      return v.voters.length === 3 && !v.voters.includes(leaderId) && v.leader !== '' && v.leader !== leaderId
    }, { message: 'leaver removed and replaced by the learner', timeoutMs: 20_000 })
  })
})
