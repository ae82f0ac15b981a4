import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { runCli } from '../cli/run-cli.js'
import type { TestAgent } from '../harness/in-process.js'
import { TestCluster } from '../harness/in-process.js'
import { sleep, waitFor } from '../harness/wait.js'

const config = { raft: { tickMs: 20, electionTicks: 10, heartbeatTicks: 1, voterReplaceMs: 30_000, snapshotEntries: 10_000 } }
const DEPLOYMENTS = '/apis/apps/v1/namespaces/default/deployments'
const REVISION = 'deployment.kubernetes.io/revision'

interface PodItem {
  metadata: { name: string; labels: Record<string, string>; ownerReferences?: { kind: string; name: string }[] }
  spec: { containers: { env?: { name: string; value: string }[] }[] }
  status?: { conditions?: { type: string; status: string }[] }
}

interface ReplicaSetItem {
  metadata: { name: string; uid: string; annotations?: Record<string, string> }
  spec: { replicas: number }
}

interface DeploymentItem {
  metadata: { generation: number; annotations?: Record<string, string> }
  spec: { replicas: number }
  status?: { observedGeneration?: number; replicas?: number; updatedReplicas?: number; availableReplicas?: number; conditions?: { type: string; reason: string }[] }
}

/** A process-runtime Deployment whose pods sleep and turn Ready after a second (so a rollout takes visible steps); VERSION tells templates apart. */
function manifest(name: string, version: string): Record<string, unknown> {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name },
    spec: {
      replicas: 4,
      selector: { matchLabels: { app: name } },
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: 1 } },
      template: {
        metadata: { labels: { app: name } },
        spec: {
          runtimeClassName: 'process',
          terminationGracePeriodSeconds: 1,
          containers: [{ name: 'main', command: ['sleep', '3600'], env: [{ name: 'VERSION', value: version }], readinessProbe: { exec: { command: ['true'] }, initialDelaySeconds: 1, periodSeconds: 1 } }],
        },
      },
    },
  }
}

const isReady = (p: PodItem): boolean => p.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') === true
const versionOf = (p: PodItem): string | undefined => p.spec.containers[0]?.env?.find((e) => e.name === 'VERSION')?.value

let cluster: TestCluster
let agent: TestAgent

async function pods(app: string): Promise<PodItem[]> {
  return (await agent.api.ok<{ items: PodItem[] }>(`/api/v1/namespaces/default/pods?labelSelector=app%3D${app}`)).items
}

async function replicaSets(app: string): Promise<ReplicaSetItem[]> {
  return (await agent.api.ok<{ items: ReplicaSetItem[] }>(`/apis/apps/v1/namespaces/default/replicasets?labelSelector=app%3D${app}`)).items
}

/** kubectl rollout status' test: the latest generation seen, every replica updated and available, nothing old left. */
async function rolledOut(name: string, replicas: number): Promise<DeploymentItem | undefined> {
  const d = await agent.api.ok<DeploymentItem>(`${DEPLOYMENTS}/${name}`)
  const s = d.status
  const done = (s?.observedGeneration ?? 0) >= d.metadata.generation && s?.updatedReplicas === replicas && s.replicas === replicas && s.availableReplicas === replicas
  return done ? d : undefined
}

/** Every pod of `app` runs `version` and is Ready, and there are `count` of them. */
async function allAt(app: string, version: string, count: number): Promise<boolean> {
  const list = await pods(app)
  return list.length === count && list.every((p) => versionOf(p) === version && isReady(p))
}

interface Observation {
  total: number
  ready: number
  versions: number
}

/** Watch pods while `during` runs: how many exist, how many are Ready, how many templates run, at each look. */
async function observe(app: string, during: () => Promise<void>): Promise<Observation[]> {
  const seen: Observation[] = []
  let done = false
  const watcher = (async () => {
    while (!done) {
      const list = await pods(app)
      seen.push({ total: list.length, ready: list.filter(isReady).length, versions: new Set(list.map(versionOf)).size })
      await sleep(50)
    }
  })()
  try {
    await during()
  } finally {
    done = true
    await watcher
  }
  return seen
}

beforeAll(async () => {
  cluster = await TestCluster.start(1, { config })
  agent = cluster.agents[0]!
})

afterAll(async () => {
  await cluster?.close()
})

describe('deployments (in-process agent, process runtime)', () => {
  it('rolls out, updates within maxSurge/maxUnavailable, rolls back onto the old ReplicaSet, scales, and is collected with its pods', async () => {
    expect((await agent.api.request('POST', DEPLOYMENTS, manifest('web', 'v1'))).status).toBe(201)
    await waitFor(() => allAt('web', 'v1', 4), { timeoutMs: 30_000, message: '4 Ready v1 pods' })
    const first = await waitFor(() => rolledOut('web', 4), { timeoutMs: 20_000, message: 'v1 rolled out' })
    expect(first.status?.conditions).toContainEqual(expect.objectContaining({ type: 'Progressing', reason: 'NewReplicaSetAvailable' }))
    expect(first.metadata.annotations?.[REVISION]).toBe('1')
    const [v1Set] = await replicaSets('web')
    expect(v1Set?.metadata.annotations?.[REVISION]).toBe('1')

    // A new template (env): a rolling update, observed throughout.
    const seen = await observe('web', async () => {
      expect((await agent.api.request('PUT', `${DEPLOYMENTS}/web`, manifest('web', 'v2'))).status).toBe(200)
      await waitFor(() => allAt('web', 'v2', 4), { timeoutMs: 60_000, message: 'every pod on v2' })
      await waitFor(() => rolledOut('web', 4), { timeoutMs: 20_000, message: 'v2 rolled out' })
    })
    // The update was seen in the middle, with old and new pods side by side.
    expect(seen.filter((s) => s.versions === 2).length).toBeGreaterThan(5)
    expect(Math.max(...seen.map((s) => s.total))).toBeLessThanOrEqual(4 + 1)
    expect(Math.min(...seen.map((s) => s.ready))).toBeGreaterThanOrEqual(4 - 1)
    const afterUpdate = await replicaSets('web')
    expect(afterUpdate).toHaveLength(2)
    expect(afterUpdate.find((rs) => rs.metadata.uid === v1Set!.metadata.uid)?.spec.replicas).toBe(0)
    expect(afterUpdate.find((rs) => rs.metadata.uid !== v1Set!.metadata.uid)?.metadata.annotations?.[REVISION]).toBe('2')

    // Rollback by re-applying the old template: the v1 ReplicaSet is reused, with revision 3.
    expect((await agent.api.request('PUT', `${DEPLOYMENTS}/web`, manifest('web', 'v1'))).status).toBe(200)
    await waitFor(() => allAt('web', 'v1', 4), { timeoutMs: 60_000, message: 'every pod back on v1' })
    const back = await waitFor(() => rolledOut('web', 4), { timeoutMs: 20_000, message: 'v1 rolled out again' })
    const afterUndo = await replicaSets('web')
    expect(afterUndo.map((rs) => rs.metadata.uid).sort()).toEqual(afterUpdate.map((rs) => rs.metadata.uid).sort())
    const reused = afterUndo.find((rs) => rs.metadata.uid === v1Set!.metadata.uid)!
    expect(reused.spec.replicas).toBe(4)
    expect(reused.metadata.annotations?.[REVISION]).toBe('3')
    expect(back.metadata.annotations?.[REVISION]).toBe('3')
    expect((await pods('web')).every((p) => p.metadata.ownerReferences?.[0]?.name === reused.metadata.name)).toBe(true)

    // Scale through the Scale subresource.
    const scaled = await agent.api.request('PATCH', `${DEPLOYMENTS}/web/scale`, { spec: { replicas: 2 } }, { contentType: 'application/merge-patch+json' })
    expect(scaled.status).toBe(200)
    await waitFor(async () => (await pods('web')).length === 2 && (await rolledOut('web', 2)) !== undefined, { timeoutMs: 30_000, message: 'scaled to 2' })

    // Deleting the Deployment collects its ReplicaSets, and they their pods.
    expect((await agent.api.request('DELETE', `${DEPLOYMENTS}/web`)).status).toBe(200)
    await waitFor(async () => (await replicaSets('web')).length === 0 && (await pods('web')).length === 0, { timeoutMs: 30_000, message: 'replica sets and pods collected' })
  })

  it('shoal apply, get, describe and scale work on deployments and replica sets', async () => {
    const yaml = JSON.stringify(manifest('cli', 'v1'))
    const applied = await runCli(agent, ['apply', '-f', '-'], yaml)
    expect(applied.stderr).toBe('')
    expect(applied.stdout.trim()).toBe('deployment/cli created')
    await waitFor(() => rolledOut('cli', 4), { timeoutMs: 30_000, message: 'cli rolled out' })
    const get = await runCli(agent, ['get', 'deploy'])
    expect(get.stdout).toMatch(/^NAME\s+READY\s+UP-TO-DATE\s+AVAILABLE\s+AGE\ncli\s+4\/4\s+4\s+4\s/)
    const wide = await runCli(agent, ['get', 'deploy', 'cli', '-o', 'wide'])
    expect(wide.stdout).toMatch(/CONTAINERS\s+IMAGES\s+SELECTOR\n.*main\s+sleep 3600\s+app=cli/)
    const rs = await runCli(agent, ['get', 'rs'])
    expect(rs.stdout).toMatch(/^NAME\s+DESIRED\s+CURRENT\s+READY\s+AGE\ncli-\w+\s+4\s+4\s+4\s/)
    const described = await runCli(agent, ['describe', 'deploy', 'cli'])
    expect(described.stdout).toMatch(/Replicas:\s+4 desired \| 4 updated \| 4 total \| 4 available \| 0 unavailable/)
    expect(described.stdout).toMatch(/RollingUpdateStrategy:\s+1 max unavailable, 1 max surge/)
    expect(described.stdout).toMatch(/NewReplicaSet:\s+cli-\w+ \(4\/4 replicas created\)/)
    expect(described.stdout).toMatch(/ScalingReplicaSet\s+.*Scaled up replica set cli-\w+ from 0 to 4/)
    const scaled = await runCli(agent, ['scale', 'deploy', 'cli', '--replicas', '1'])
    expect(scaled.stdout.trim()).toBe('deployment/cli scaled')
    await waitFor(async () => (await pods('cli')).length === 1, { timeoutMs: 30_000, message: 'cli scaled to 1' })
    expect((await runCli(agent, ['delete', 'deploy', 'cli'])).code).toBe(0)
  })
})
