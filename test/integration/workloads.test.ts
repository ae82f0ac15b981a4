import { afterEach, describe, expect, it } from 'vitest'
import { TestCluster } from '../harness/in-process.js'
import { countBy, podsOf, processRc } from '../harness/workloads.js'
import { waitFor } from '../harness/wait.js'

let cluster: TestCluster | undefined

afterEach(async () => {
  await cluster?.close()
  cluster = undefined
})

const config = { raft: { tickMs: 20, electionTicks: 10, heartbeatTicks: 1, voterReplaceMs: 5000, snapshotEntries: 10_000 } }

describe('workloads (in-process agents, process runtime)', () => {
  it('runs a replication controller of 6 replicas spread 2/2/2, and scales it up and down', async () => {
    cluster = await TestCluster.start(3, { config })
    const [a] = cluster.agents
    await waitFor(async () => (await a!.api.ok<{ raft: { voters: string[] } }>('/shoal/v1/cluster')).raft.voters.length === 3, { timeoutMs: 20_000 })
    await a!.agent.store.create('replicationcontrollers', processRc('sleepy', 6, 'sleep 300') as never)
    const running = await waitFor(async () => {
      const pods = await podsOf(cluster!.agents[1]!.api, 'app=sleepy')
      return pods.length === 6 && pods.every((p) => p.phase === 'Running' && p.ready) ? pods : undefined
    }, { timeoutMs: 30_000, message: '6 replicas running' })
    expect(Object.values(countBy(running, (p) => p.node)).sort()).toEqual([2, 2, 2])
    await a!.agent.store.patch('replicationcontrollers', 'default', 'sleepy', { spec: { replicas: 9 } })
    await waitFor(async () => (await podsOf(cluster!.agents[2]!.api, 'app=sleepy')).filter((p) => p.phase === 'Running').length === 9, { timeoutMs: 30_000, message: 'scaled to 9' })
    await a!.agent.store.patch('replicationcontrollers', 'default', 'sleepy', { spec: { replicas: 2 } })
    await waitFor(async () => (await podsOf(cluster!.agents[0]!.api, 'app=sleepy')).length === 2, { timeoutMs: 30_000, message: 'scaled to 2' })
  })
})
