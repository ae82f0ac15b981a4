import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { generateClusterKeyText } from '../../node/p2p/cluster-key.js'
import { listNodes } from '../harness/api.js'
import { FAST_TIMING } from '../harness/in-process.js'
import { ProcessAgent } from '../harness/processes.js'
import { waitFor } from '../harness/wait.js'

let root: string
/** Detection runs on timers; this is what a loaded two-core machine may add to the configured window. */
const SLACK_MS = 3000
let agents: ProcessAgent[] = []

async function spawnCluster(n: number): Promise<ProcessAgent[]> {
  root = await mkdtemp(join(tmpdir(), 'shoal-e2e-'))
  const first = await new ProcessAgent({ name: 'p1', dataDir: join(root, 'p1') }).start()
  agents = [first]
  for (let i = 2; i <= n; i++) {
    agents.push(
      await new ProcessAgent({ name: `p${i}`, dataDir: join(root, `p${i}`), join: [first.p2pHostPort], clusterKeyFile: join(root, 'p1', 'cluster.key') }).start(),
    )
  }
  for (const a of agents) {
    await waitFor(async () => (await listNodes(a.api)).filter((x) => x.ready === 'True').length === n, { message: `${a.name} sees ${n} nodes Ready` })
  }
  return agents
}

interface ReadyCondition {
  status: string
  lastHeartbeatTime: string
  lastTransitionTime: string
}

async function readyCondition(agent: ProcessAgent, node: string): Promise<ReadyCondition> {
  const n = await agent.api.ok<{ status: { conditions: (ReadyCondition & { type: string })[] } }>(`/api/v1/nodes/${node}`)
  return n.status.conditions.find((c) => c.type === 'Ready')!
}

afterEach(async () => {
  await Promise.allSettled(agents.map((a) => a.destroy()))
  agents = []
  if (root !== undefined) await rm(root, { recursive: true, force: true })
})

describe('agents as separate processes', () => {
  it('writes identity and secrets with private permissions', async () => {
    const [p1] = await spawnCluster(1)
    for (const file of ['node.key', 'cluster.key', 'admin.token']) {
      expect((await stat(join(p1!.options.dataDir, file))).mode & 0o777).toBe(0o600)
    }
    expect(p1!.info.peerId).toMatch(/^12D3KooW/)
    expect(p1!.info.api).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/)
  })

  it('kill -9 of one agent shows it NotReady on the others within the failure window, and not before it', async () => {
    const [p1, p2, p3] = await spawnCluster(3)
    await p3!.kill9()
    const killedAt = Date.now()
    for (const survivor of [p1!, p2!]) {
      const ready = await waitFor(
        async () => {
          const c = await readyCondition(survivor, 'p3')
          return c.status !== 'True' ? c : undefined
        },
        { timeoutMs: FAST_TIMING.downMs + SLACK_MS, intervalMs: 20, message: `${survivor.name} shows p3 NotReady` },
      )
      // Not before suspect-after, on the survivor's own clock: silence from the last heartbeat to the turn.
      expect(Date.parse(ready.lastTransitionTime) - Date.parse(ready.lastHeartbeatTime)).toBeGreaterThanOrEqual(FAST_TIMING.suspectMs)
      // And as the test sees it: that last heartbeat came at most one interval before the kill.
      expect(Date.now() - killedAt).toBeGreaterThanOrEqual(FAST_TIMING.suspectMs - FAST_TIMING.heartbeatMs)
    }
    await waitFor(async () => (await listNodes(p1!.api)).find((n) => n.name === 'p3')?.state === 'down', { timeoutMs: FAST_TIMING.downMs + SLACK_MS, intervalMs: 20 })
    expect(Date.now() - killedAt).toBeLessThan(FAST_TIMING.downMs + SLACK_MS)
    const down = await readyCondition(p1!, 'p3')
    expect(Date.parse(down.lastTransitionTime) - Date.parse(down.lastHeartbeatTime)).toBeGreaterThanOrEqual(FAST_TIMING.downMs)
  })

  it('SIGTERM leaves gracefully: exit 0 and peers record left', async () => {
    const [p1, , p3] = await spawnCluster(3)
    expect(await p3!.stop()).toBe(0)
    await waitFor(async () => (await listNodes(p1!.api)).find((n) => n.name === 'p3')?.state === 'left', { message: 'p1 records p3 as left' })
  })

  it('a killed agent restarted over its data dir keeps its peer id and rejoins without --join', async () => {
    const [p1, p2] = await spawnCluster(2)
    const id = p2!.peerId
    await waitFor(async () => (await stat(join(p2!.options.dataDir, 'peers.json')).catch(() => undefined)) !== undefined, { timeoutMs: 10_000 })
    await p2!.kill9()
    await p2!.start({ join: [], clusterKeyFile: undefined })
    expect(p2!.peerId).toBe(id)
    await waitFor(async () => (await listNodes(p1!.api)).find((n) => n.name === 'p2')?.state === 'alive', { message: 'p2 alive again' })
    await waitFor(async () => (await listNodes(p2!.api)).filter((n) => n.ready === 'True').length === 2)
  })

  it('an agent whose only peer left restarts without --join and becomes ready (not "joining" forever)', async () => {
    const [vm, b2] = await spawnCluster(2)
    await waitFor(async () => (await readFile(join(vm!.options.dataDir, 'peers.json'), 'utf8')).includes(b2!.peerId), { timeoutMs: 10_000 })
    expect(await b2!.stop()).toBe(0)
    await waitFor(async () => (await listNodes(vm!.api)).find((n) => n.name === 'p2')?.state === 'left', { message: 'vm records the leave' })
    await vm!.restart()
    await waitFor(async () => (await vm!.api.request('GET', '/readyz', undefined, { token: null })).status === 200, { timeoutMs: 15_000, message: 'vm ready' })
    expect((await listNodes(vm!.api)).find((n) => n.name === 'p1')?.ready).toBe('True')
  })

  it('a joining agent without a cluster key fails at once with a clear message', async () => {
    root = await mkdtemp(join(tmpdir(), 'shoal-e2e-'))
    const lone = new ProcessAgent({ name: 'lone', dataDir: join(root, 'lone'), join: ['127.0.0.1:1'] })
    agents = [lone]
    await lone.start({}, false)
    expect(await lone.waitExit()).not.toBe(0)
    expect(lone.stderr).toMatch(/no cluster key: pass --cluster-key FILE/)
  })

  it('a malformed cluster key is refused with a clear message', async () => {
    root = await mkdtemp(join(tmpdir(), 'shoal-e2e-'))
    await writeFile(join(root, 'bad.key'), 'not a key\n')
    const bad = new ProcessAgent({ name: 'bad', dataDir: join(root, 'bad'), join: ['127.0.0.1:1'], clusterKeyFile: join(root, 'bad.key') })
    agents = [bad]
    await bad.start({}, false)
    expect(await bad.waitExit()).not.toBe(0)
    expect(bad.stderr).toMatch(/bad\.key is not a valid cluster key/)
  })

  it('an agent with the wrong cluster key exits with code 2 and says the key does not match', async () => {
    const [p1] = await spawnCluster(1)
    await writeFile(join(root, 'other.key'), generateClusterKeyText())
    const stranger = new ProcessAgent({ name: 'stranger', dataDir: join(root, 'stranger'), join: [p1!.p2pHostPort], clusterKeyFile: join(root, 'other.key') })
    agents.push(stranger)
    const t0 = Date.now()
    await stranger.start({}, false)
    expect(await stranger.waitExit()).toBe(2)
    expect(stranger.stderr).toMatch(/cluster key does not match/)
    expect(Date.now() - t0).toBeLessThan(20_000)
  })
})

describe('partitions between processes', () => {
  it('cutting links through the test hooks makes the peers see each other down, and healing restores them', async () => {
    const { partition } = await import('../harness/processes.js')
    const [p1, p2, p3] = await spawnCluster(3)
    await partition([[p1!, p2!], [p3!]])
    await waitFor(async () => (await listNodes(p1!.api)).find((n) => n.name === 'p3')?.state === 'down', { message: 'p1 sees p3 down' })
    await waitFor(async () => (await listNodes(p3!.api)).filter((n) => n.state === 'down').length === 2, { message: 'p3 sees both down' })
    await partition([[p1!, p2!, p3!]])
    await waitFor(async () => (await listNodes(p3!.api)).filter((n) => n.ready === 'True').length === 3, { message: 'healed' })
  })
})
