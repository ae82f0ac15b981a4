import { readFile, stat } from 'node:fs/promises'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import type { RememberedPeer } from '../../node/config/data-dir.js'
import { listNodes } from '../harness/api.js'
import type { TestAgent } from '../harness/in-process.js'
import { TestCluster } from '../harness/in-process.js'
import { waitFor } from '../harness/wait.js'

let cluster: TestCluster | undefined

afterEach(async () => {
  await cluster?.close()
  cluster = undefined
})

const peersOf = async (a: TestAgent): Promise<string[]> =>
  ((JSON.parse(await readFile(join(a.dataDir, 'peers.json'), 'utf8')) as RememberedPeer[]).map((p) => p.peerId))

const readyz = async (a: TestAgent): Promise<number> => (await a.api.request('GET', '/readyz', undefined, { token: null })).status

/** vm creates the cluster and b2 joins it, as in the bug report. */
async function vmAndB2(): Promise<[TestAgent, TestAgent]> {
  cluster = await TestCluster.create()
  const vm = await cluster.add({ name: 'vm' })
  const b2 = await cluster.add({ name: 'b2' })
  await waitFor(async () => (await listNodes(vm.api)).filter((n) => n.ready === 'True').length === 2, { message: 'vm sees b2' })
  await waitFor(async () => (await peersOf(vm)).includes(b2.peerId), { timeoutMs: 15_000, message: 'vm remembers b2' })
  return [vm, b2]
}

describe('restarting a node whose peers are gone', () => {
  it('forgets peers that left, and comes back ready on its own without --join', async () => {
    const [vm, b2] = await vmAndB2()
    await b2.stop()
    // Written when vm records the leave, not left for the next start to dial in vain.
    await waitFor(async () => (await peersOf(vm)).length === 0, { timeoutMs: 10_000, message: 'vm forgets b2' })
    await vm.restart()
    await waitFor(async () => (await readyz(vm)) === 200, { timeoutMs: 10_000, message: 'vm ready after restart' })
    expect((await listNodes(vm.api)).find((n) => n.name === 'vm')?.ready).toBe('True')
  })

  it('with remembered peers that never answer, is ready once its own services run and keeps dialing them', async () => {
    const [vm, b2] = await vmAndB2()
    const b2Port = Number(b2.agent.info.p2p.split('/')[4])
    // vm goes down first, so the leave b2 announces later never reaches it: vm still remembers b2.
    await vm.stop()
    await b2.stop()
    expect(await peersOf(vm)).toEqual([b2.peerId])
    await vm.start({ join: [] })
    await waitFor(async () => (await readyz(vm)) === 200, { timeoutMs: 10_000, message: 'vm ready although b2 does not answer' })
    expect(vm.agent.dialer.hasJoined).toBe(false)
    // b2 comes back where it was; vm, still trying its remembered peer, finds it.
    await b2.start({ join: [], config: { p2p: { host: '127.0.0.1', port: b2Port } } })
    await waitFor(async () => vm.agent.dialer.hasJoined, { timeoutMs: 20_000, message: 'vm reaches b2 in the background' })
    await waitFor(async () => (await listNodes(vm.api)).filter((n) => n.ready === 'True').length === 2, { message: 'vm sees b2 again' })
  })

  it('a remembered address now held by another cluster does not make the node give up', async () => {
    const [vm, b2] = await vmAndB2()
    const b2Port = Number(b2.agent.info.p2p.split('/')[4])
    await vm.stop()
    await b2.stop()
    // A new, unrelated cluster takes b2's old address: its handshake fails for vm's key.
    const other = await cluster!.add({ name: 'other', via: [], join: [], dataDir: join(cluster!.root, 'other'), config: { p2p: { host: '127.0.0.1', port: b2Port } } })
    expect(other.agent.createdCluster).toBe(true)
    const rejected: Error[] = []
    await vm.start({ join: [] })
    vm.agent.events.on('join:rejected', (err) => rejected.push(err))
    await waitFor(async () => (await readyz(vm)) === 200, { timeoutMs: 10_000, message: 'vm ready' })
    // Long enough for the two handshake-failure rounds that reject a --join seed.
    await new Promise((r) => setTimeout(r, 9000))
    expect(rejected).toEqual([])
    expect(await readyz(vm)).toBe(200)
  })

  it('a first join is still not ready until a peer answers', async () => {
    cluster = await TestCluster.create()
    const vm = await cluster.add({ name: 'vm' })
    const lone = await cluster.add({ name: 'lone', via: [], join: ['127.0.0.1:1'], clusterKeyFile: join(vm.dataDir, 'cluster.key') })
    const r = await lone.api.request<{ message: string }>('GET', '/readyz', undefined, { token: null })
    expect(r.status).toBe(503)
    expect(r.body.message).toContain('joining the cluster')
    // Nothing accepted the key, so the data dir is not tied to it yet.
    expect(await stat(join(lone.dataDir, 'cluster.key')).catch(() => undefined)).toBeUndefined()
  })
})
