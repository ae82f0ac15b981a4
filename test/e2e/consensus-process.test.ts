import { readFile, rm } from 'node:fs/promises'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { ProcessCluster } from '../harness/process-cluster.js'
import type { ProcessAgent } from '../harness/processes.js'
import { partition } from '../harness/processes.js'
import { agreedLeader, boundPods, raftView } from '../harness/raft-view.js'
import { waitFor } from '../harness/wait.js'

let cluster: ProcessCluster | undefined
let agents: ProcessAgent[] = []

afterEach(async () => {
  await cluster?.close()
  cluster = undefined
  agents = []
})

const RAFT_ARGS = ['--voter-replace-after', '2s', '--raft-snapshot-entries', '20']

async function spawn(): Promise<ProcessAgent> {
  cluster ??= await ProcessCluster.create('r', RAFT_ARGS)
  agents = cluster.agents
  return cluster.add()
}

async function startCluster(n: number): Promise<ProcessAgent[]> {
  for (let i = 0; i < n; i++) await spawn()
  await cluster!.formed()
  return agents
}

const live = (): ProcessAgent[] => cluster!.live()

async function leaderOf(group: ProcessAgent[]): Promise<ProcessAgent> {
  const id = await waitFor(() => agreedLeader(group.map((a) => a.api)), { timeoutMs: 20_000, message: 'agreed leader' })
  return group.find((a) => a.peerId === id)!
}

/** Commit `count` entries through whichever node leads, retrying around elections. */
async function commit(group: ProcessAgent[], prefix: string, count: number): Promise<string[]> {
  const uids: string[] = []
  for (let i = 0; i < count; i++) {
    const uid = `${prefix}-${i}`
    await waitFor(async () => {
      const leader = await leaderOf(group)
      const r = await leader.api.request('POST', '/shoal/v1/debug/raft/bind', { podUid: uid, nodeId: 'nowhere' })
      return r.status === 200
    }, { timeoutMs: 20_000, message: `commit ${uid}` })
    uids.push(uid)
  }
  return uids
}

describe('raft across agent processes', () => {
  it('kill -9 of the leader: a new leader commits, and the old leader catches up through a snapshot', async () => {
    await startCluster(3)
    const before = await commit(agents, 'a', 5)
    const old = await leaderOf(agents)
    await old.kill9()
    const killedAt = Date.now()
    const after = await commit(live(), 'b', 30)
    const failoverMs = Date.now() - killedAt
    expect(failoverMs).toBeLessThan(15_000)
    await old.start({ join: [] })
    await waitFor(async () => (await boundPods(old.api)).length === before.length + after.length, { timeoutMs: 20_000, message: 'old leader caught up' })
    expect(await boundPods(old.api)).toEqual([...before, ...after].sort())
    const view = await raftView(old.api)
    expect(view.role).not.toBe('leader')
    // its log fell behind the leader's compaction point, so it caught up through InstallSnapshot
    expect(view.snapshotsInstalled).toBeGreaterThanOrEqual(1)
  })

  it('an isolated leader steps down, the majority elects a leader, and nothing committed is lost after the heal', async () => {
    await startCluster(3)
    const before = await commit(agents, 'x', 5)
    const leader = await leaderOf(agents)
    const majority = agents.filter((a) => a !== leader)
    await partition([[leader], majority])
    await waitFor(async () => (await raftView(leader.api)).role !== 'leader', { timeoutMs: 10_000, message: 'isolated leader steps down' })
    const during = await commit(majority, 'y', 5)
    // the minority cannot commit
    const r = await leader.api.request('POST', '/shoal/v1/debug/raft/bind', { podUid: 'minority', nodeId: 'nowhere' })
    expect(r.status).not.toBe(200)
    await partition([agents])
    for (const a of agents) {
      await waitFor(async () => (await boundPods(a.api)).length === 10, { timeoutMs: 20_000, message: `${a.name} has all commits` })
      expect(await boundPods(a.api)).toEqual([...before, ...during].sort())
    }
  })

  it('five agents: a new leader commits after kill -9 of the leader; a leader isolated with one other node steps down; nothing committed is lost', async () => {
    await startCluster(5)
    const before = await commit(agents, 'p', 3)
    const first = await leaderOf(agents)
    await first.kill9()
    const afterKill = await commit(live(), 'q', 3)
    await first.start({ join: [] })
    await waitFor(async () => (await boundPods(first.api)).length === 6, { timeoutMs: 20_000, message: 'old leader caught up' })
    // Now a minority of two that holds the current leader.
    const leader = await leaderOf(agents)
    const minority = [leader, agents.find((a) => a !== leader)!]
    const majority = agents.filter((a) => !minority.includes(a))
    await partition([minority, majority])
    await waitFor(async () => (await raftView(leader.api)).role !== 'leader', { timeoutMs: 10_000, message: 'isolated leader steps down' })
    const during = await commit(majority, 'r', 3)
    const r = await leader.api.request('POST', '/shoal/v1/debug/raft/bind', { podUid: 'minority', nodeId: 'nowhere' })
    expect(r.status).not.toBe(200)
    await partition([agents])
    const all = [...before, ...afterKill, ...during].sort()
    for (const a of agents) {
      await waitFor(async () => (await boundPods(a.api)).length === all.length, { timeoutMs: 20_000, message: `${a.name} has all commits` })
      expect(await boundPods(a.api)).toEqual(all)
    }
    expect((await raftView(agents[0]!.api)).voters).toHaveLength(5)
  })

  it('--force-new-cluster recovers a lost quorum once; restarted later with the flag left on, the node stays in the rebuilt cluster', async () => {
    await startCluster(3)
    const before = await commit(agents, 'f', 3)
    for (const a of agents) await a.kill9()
    // The README's recovery: the survivor with the newest data is forced; the others drop their raft state.
    const [survivor, ...others] = agents as [ProcessAgent, ...ProcessAgent[]]
    const forced = { args: [...RAFT_ARGS, '--force-new-cluster'], join: [] }
    await survivor.start(forced)
    await waitFor(async () => (await raftView(survivor.api)).role === 'leader', { timeoutMs: 20_000, message: 'survivor leads alone' })
    const solo = await commit([survivor], 'g', 2)
    for (const a of others) {
      await rm(join(a.options.dataDir, 'raft'), { recursive: true, force: true })
      await a.start({ join: [] })
    }
    await waitFor(async () => (await raftView(survivor.api)).voters.length === 3, { timeoutMs: 30_000, message: 'rebuilt to three voters' })
    // Later, the survivor restarts with --force-new-cluster still on its command line.
    await survivor.kill9()
    await survivor.start(forced)
    const log = await readFile(join(survivor.options.dataDir, 'agent.log'), 'utf8')
    expect(log).toContain('--force-new-cluster was already applied')
    const after = await commit(agents, 'h', 2)
    const all = [...before, ...solo, ...after].sort()
    for (const a of agents) {
      await waitFor(async () => (await boundPods(a.api)).length === all.length, { timeoutMs: 20_000, message: `${a.name} has all commits` })
      const view = await raftView(a.api)
      expect(view.voters, a.name).toHaveLength(3)
    }
  })

  it('a 4th and 5th node join and are promoted; a voter down past the window is replaced', async () => {
    await startCluster(3)
    await spawn()
    await spawn()
    await waitFor(async () => (await raftView(agents[0]!.api)).voters.length === 5, { timeoutMs: 30_000, message: '5 voters' })
    await spawn()
    await waitFor(async () => (await raftView(agents[0]!.api)).learners.length === 1, { timeoutMs: 20_000, message: 'the 6th is a learner' })
    const leader = await leaderOf(agents)
    const victim = agents.find((a) => a !== leader && a.name !== 'r6')!
    await victim.kill9()
    const survivors = live()
    await waitFor(async () => {
      const v = await raftView(survivors[0]!.api)
      return v.voters.length === 5 && !v.voters.includes(victim.peerId) && v.voters.includes(agents[5]!.peerId)
    }, { timeoutMs: 30_000, message: 'dead voter replaced by the learner' })
    await commit(survivors, 'z', 3)
  })
})
