import { afterEach, describe, expect, it } from 'vitest'
import type { AgentConfig } from '../../node/config/agent-config.js'
import { defaultConfig } from '../../node/config/agent-config.js'
import type { TestAgent } from '../harness/in-process.js'
import { TestCluster } from '../harness/in-process.js'
import { agreedLeader } from '../harness/raft-view.js'
import type { PodSummary } from '../harness/workloads.js'
import { containersOf, podsOf, processRc } from '../harness/workloads.js'
import { sleep, waitFor } from '../harness/wait.js'

// An agent stops gracefully for an upgrade or a restart and leaves its process containers running
// for the next start to adopt; the leader must not move its pods away meanwhile.

const RESCHEDULE_AFTER_MS = 1000

function configWith(leftGraceMs: number): Partial<AgentConfig> {
  return {
    raft: { tickMs: 20, electionTicks: 10, heartbeatTicks: 1, voterReplaceMs: 60_000, snapshotEntries: 10_000 },
    workloads: { ...defaultConfig().workloads, rescheduleAfterMs: RESCHEDULE_AFTER_MS, rescheduleLeftAfterMs: leftGraceMs },
  }
}

let cluster: TestCluster | undefined

afterEach(async () => {
  await cluster?.close()
  cluster = undefined
})

async function threeAgentsRunning(leftGraceMs: number, app: string): Promise<{ agents: TestAgent[]; pods: PodSummary[] }> {
  cluster = await TestCluster.start(3, { config: configWith(leftGraceMs) })
  const agents = cluster.agents
  await waitFor(async () => (await agents[0]!.api.ok<{ raft: { voters: string[] } }>('/shoal/v1/cluster')).raft.voters.length === 3, { timeoutMs: 30_000, message: '3 voters' })
  expect((await agents[0]!.api.request('POST', '/api/v1/namespaces/default/replicationcontrollers', processRc(app, 3, 'sleep 300'))).status).toBe(201)
  const pods = await waitFor(async () => {
    const p = await podsOf(agents[0]!.api, `app=${app}`)
    return p.length === 3 && p.every((x) => x.phase === 'Running') && new Set(p.map((x) => x.node)).size === 3 ? p : undefined
  }, { timeoutMs: 30_000, message: '3 replicas running, one per node' })
  return { agents, pods }
}

async function rescheduledEvents(agent: TestAgent): Promise<{ reason: string; message: string }[]> {
  const items = (await agent.api.ok<{ items: { reason: string; message: string }[] }>('/api/v1/namespaces/default/events')).items
  return items.filter((e) => e.reason === 'Rescheduled')
}

const key = (pods: PodSummary[]): string[] => pods.map((p) => `${p.name}/${p.uid}@${p.node}`).sort()

describe('graceful stop of an agent', () => {
  it('a restart within the left grace keeps its pods where they are and adopts their containers', async () => {
    const { agents, pods } = await threeAgentsRunning(15_000, 'stay')
    // The leader, the hardest case: it hands off, and the new leader sees it leave.
    const leaderId = await waitFor(() => agreedLeader(agents.map((a) => a.api)))
    const node = agents.find((a) => a.peerId === leaderId)!
    const other = agents.find((a) => a !== node)!
    const containers = (await containersOf(node.api)).filter((c) => c.state === 'running').map((c) => `${c.id}:${c.pid}`)
    expect(containers).toHaveLength(1)
    await node.stop()
    // Longer than the down grace: only the left grace keeps the pods bound.
    await sleep(RESCHEDULE_AFTER_MS + 2000)
    expect(key(await podsOf(other.api, 'app=stay'))).toEqual(key(pods))
    await node.start({ join: [] })
    await waitFor(async () => (await podsOf(other.api, 'app=stay')).every((p) => p.phase === 'Running'), { timeoutMs: 20_000, message: 'all Running after the restart' })
    await sleep(2000)
    expect(key(await podsOf(other.api, 'app=stay'))).toEqual(key(pods))
    expect(key(await podsOf(node.api, 'app=stay'))).toEqual(key(pods))
    expect((await containersOf(node.api)).filter((c) => c.state === 'running').map((c) => `${c.id}:${c.pid}`)).toEqual(containers)
    expect(await rescheduledEvents(other)).toEqual([])
  })

  it('a node that stays away past the left grace has its pods placed elsewhere', async () => {
    const LEFT_GRACE_MS = 4000
    const { agents, pods } = await threeAgentsRunning(LEFT_GRACE_MS, 'move')
    const [a, b, c] = agents
    expect(pods.some((p) => p.node === c!.name)).toBe(true)
    await c!.stop()
    const stoppedAt = Date.now()
    await waitFor(async () => {
      const p = await podsOf(a!.api, 'app=move')
      return p.length === 3 && p.every((x) => x.phase === 'Running' && x.node !== c!.name) ? p : undefined
    }, { timeoutMs: 30_000, message: "c's replica runs elsewhere" })
    expect(Date.now() - stoppedAt).toBeGreaterThanOrEqual(LEFT_GRACE_MS)
    const events = await waitFor(async () => {
      const e = await rescheduledEvents(b!)
      return e.length > 0 ? e : undefined
    })
    expect(events.map((e) => e.message)).toEqual([`node ${c!.name} left the cluster`])
  })
})
