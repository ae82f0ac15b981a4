import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { listNodes } from '../harness/api.js'
import { TestCluster } from '../harness/in-process.js'
import { waitFor } from '../harness/wait.js'

let cluster: TestCluster | undefined

afterEach(async () => {
  await cluster?.close()
  cluster = undefined
})

const readyNames = async (c: TestCluster, i: number): Promise<string[]> =>
  (await listNodes(c.agents[i]!.api))
    .filter((n) => n.ready === 'True')
    .map((n) => n.name)
    .sort()

describe('cluster formation (in-process agents)', () => {
  it('three agents joined through one seed each list three Ready nodes', async () => {
    cluster = await TestCluster.start(3)
    for (let i = 0; i < 3; i++) {
      await waitFor(async () => (await readyNames(cluster!, i)).join() === 'n1,n2,n3', { message: `n${i + 1} lists 3 Ready nodes` })
    }
    const node = await cluster.agents[1]!.api.ok<{
      metadata: { labels: Record<string, string> }
      status: { capacity: Record<string, string>; allocatable: Record<string, string>; addresses: { type: string }[]; nodeInfo: Record<string, string> }
    }>('/api/v1/nodes/n3')
    expect(node.metadata.labels['shoal.io/hostname']).toBe('n3')
    expect(Number(node.status.capacity['cpu'])).toBeGreaterThan(0)
    expect(node.status.allocatable['memory']).toMatch(/^\d+(Ki|Mi|Gi)?$/)
    expect(node.status.addresses.map((a) => a.type)).toContain('InternalIP')
    expect(node.status.nodeInfo['machineID']).toBe(cluster.get('n3').peerId)
  })

  it('a node joined through B only is seen by A even with no direct A–C link', async () => {
    cluster = await TestCluster.create()
    const a = await cluster.add({ name: 'a' })
    const b = await cluster.add({ name: 'b', via: [a] })
    await waitFor(async () => (await readyNames(cluster!, 1)).length === 2)
    const c = await cluster.add({ name: 'c', via: [b], config: {} })
    // Cut A–C before C can mesh with A, so everything A learns of C is relayed through B.
    a.cut(c)
    await waitFor(async () => (await readyNames(cluster!, 0)).join() === 'a,b,c', { message: 'a sees c through b' })
    expect(a.agent.host.getConnections().some((x) => x.remotePeer.toString() === c.peerId)).toBe(false)
    // And the other way round: C learns of A only through B's relays, which may arrive a beat later.
    const cSees = async (): Promise<string> =>
      (await c.api.ok<{ members: { name: string; state: string }[] }>('/shoal/v1/cluster')).members
        .map((m) => `${m.name}:${m.state}`)
        .sort()
        .join()
    await waitFor(async () => (await cSees()) === 'a:alive,b:alive,c:alive', { message: 'c sees a through b' })
  })

  it('a graceful stop is recorded as left, not down', async () => {
    cluster = await TestCluster.start(3)
    await waitFor(async () => (await readyNames(cluster!, 0)).length === 3)
    await cluster.get('n3').stop()
    const n3 = await waitFor(async () => (await listNodes(cluster!.agents[0]!.api)).find((n) => n.name === 'n3' && n.state === 'left'), {
      message: 'n1 records n3 as left',
    })
    expect(n3.ready).toBe('False')
    // Stays left well past the down window: silence after a leave is expected.
    await new Promise((r) => setTimeout(r, 1500))
    expect((await listNodes(cluster.agents[1]!.api)).find((n) => n.name === 'n3')?.state).toBe('left')
  })

  it('a restarted agent keeps its peer id and rejoins through remembered peers without --join', async () => {
    cluster = await TestCluster.start(3)
    await waitFor(async () => (await readyNames(cluster!, 0)).length === 3)
    const n2 = cluster.get('n2')
    const before = n2.peerId
    // wait until peers.json has been written by the periodic save
    await waitFor(async () => (JSON.parse(await readFile(join(n2.dataDir, 'peers.json'), 'utf8')) as unknown[]).length === 2, { timeoutMs: 10_000 })
    await n2.restart()
    expect(n2.peerId).toBe(before)
    expect(n2.agent.config.join).toEqual([])
    await waitFor(async () => (await readyNames(cluster!, 1)).join() === 'n1,n2,n3', { message: 'restarted n2 sees everyone' })
    await waitFor(async () => (await listNodes(cluster!.agents[0]!.api)).find((n) => n.name === 'n2')?.state === 'alive')
  })

  it('an agent with a different cluster key cannot join and says why', async () => {
    cluster = await TestCluster.create()
    const a = await cluster.add({ name: 'a' })
    const stranger = await cluster.add({ name: 'stranger', via: [], join: [a.p2pHostPort], clusterKeyFile: await otherKeyFile(cluster.root) })
    const err = await new Promise<Error>((resolve) => stranger.agent.events.once('join:rejected', resolve))
    expect(err.name).toBe('ClusterKeyMismatchError')
    expect(err.message).toMatch(/cluster key does not match/)
    expect((await listNodes(a.api)).map((n) => n.name)).toEqual(['a'])
  })

  it('after a wrong cluster key, the same data dir joins with the right one', async () => {
    cluster = await TestCluster.create()
    const a = await cluster.add({ name: 'a' })
    const stranger = await cluster.add({ name: 'b', via: [], join: [a.p2pHostPort], clusterKeyFile: await otherKeyFile(cluster.root) })
    await new Promise<Error>((resolve) => stranger.agent.events.once('join:rejected', resolve))
    await stranger.stop()
    // The mistyped key did not claim the data dir...
    await expect(readFile(join(stranger.dataDir, 'cluster.key'))).rejects.toThrow(/ENOENT/)
    // ...so the retry with the right key joins, and from then on the data dir keeps that key.
    await stranger.start({ clusterKeyFile: join(a.dataDir, 'cluster.key') })
    await waitFor(async () => (await readyNames(cluster!, 0)).join() === 'a,b', { message: 'a sees b' })
    const right = await readFile(join(a.dataDir, 'cluster.key'), 'utf8')
    await waitFor(async () => (await readFile(join(stranger.dataDir, 'cluster.key'), 'utf8').catch(() => '')) === right, { message: 'b saved the key' })
  })
})

async function otherKeyFile(root: string): Promise<string> {
  const { generateClusterKeyText } = await import('../../node/p2p/cluster-key.js')
  const { writeFile } = await import('node:fs/promises')
  const path = join(root, 'other.key')
  await writeFile(path, generateClusterKeyText())
  return path
}
