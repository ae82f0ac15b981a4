import { afterEach, describe, expect, it } from 'vitest'
import type { KubeObject } from '../../crdt/index.js'
import { PeerOrigin } from '../../crdt/index.js'
import { pod } from '../api/helpers.js'
import type { TestAgent } from '../harness/in-process.js'
import { TestCluster } from '../harness/in-process.js'
import { sleep, waitFor } from '../harness/wait.js'

/*
 * The replicated store between real agents (libp2p, gossipsub, the sync stream, the disk), as
 * issue 4 asks: writes on both sides of a partition, a node that missed writes while stopped,
 * and gossip lost on the wire. Anti-entropy runs every half second here instead of every 10 s.
 */

let cluster: TestCluster | undefined

afterEach(async () => {
  await cluster?.close()
  cluster = undefined
})

async function threeAgents(): Promise<[TestAgent, TestAgent, TestAgent]> {
  cluster = await TestCluster.start(3, { config: { store: { antiEntropyIntervalMs: 500 } } })
  const [n1, n2, n3] = cluster.agents as [TestAgent, TestAgent, TestAgent]
  await waitFor(() => n1.agent.host.getConnections().length >= 2 && n3.agent.host.getConnections().length >= 2, { message: 'full mesh' })
  return [n1, n2, n3]
}

/** The replicated part of a pod (resourceVersion is per node, and controllers may add a status). */
function replicated(a: TestAgent, name: string): string | undefined {
  const obj = a.agent.store.get('pods', 'default', name)
  if (obj === undefined) return undefined
  const { uid, labels, generation } = obj.metadata
  return JSON.stringify({ uid, labels, generation, spec: obj.spec })
}

/** Wait until every agent holds the same replicated state of each named pod (undefined: deleted everywhere). */
async function converged(agents: TestAgent[], names: string[], timeoutMs = 30_000): Promise<Record<string, string | undefined>> {
  return waitFor(
    () => {
      const out: Record<string, string | undefined> = {}
      for (const name of names) {
        const views = new Set(agents.map((a) => replicated(a, name)))
        if (views.size !== 1) return undefined
        out[name] = [...views][0]
      }
      return out
    },
    { timeoutMs, message: `${names.join(', ')} converged on ${agents.map((a) => a.name).join(', ')}` },
  )
}

function withImage(name: string, image: string): KubeObject {
  const base = pod(name)
  const spec = base.spec as { containers: { image?: string }[] }
  return { ...base, metadata: { name, namespace: 'default' }, spec: { ...spec, containers: [{ ...spec.containers[0]!, image }] } } as KubeObject
}

const labelsOf = (a: TestAgent, name: string): Record<string, string> | undefined => a.agent.store.get('pods', 'default', name)?.metadata.labels
const imageOf = (a: TestAgent, name: string): string | undefined => (a.agent.store.get('pods', 'default', name)?.spec as { containers: { image?: string }[] } | undefined)?.containers[0]?.image

describe('CRDT convergence between real agents', () => {
  it('writes on both sides of a partition merge on heal: labels from every side survive, conflicting specs settle on one', async () => {
    const [n1, n2, n3] = await threeAgents()
    await n1.agent.store.create('pods', pod('shared', { app: 'web' }))
    await n1.agent.store.create('pods', withImage('conflict', 'img-0'))
    await converged([n1, n2, n3], ['shared', 'conflict'])

    n3.cut(n1, n2)
    await waitFor(() => n3.agent.host.getConnections().length === 0, { message: 'n3 cut off' })
    // Different labels on one object from two nodes of the majority, and one from the cut-off node.
    await n1.agent.store.patch('pods', 'default', 'shared', { metadata: { labels: { tier: 'front' } } })
    await n2.agent.store.patch('pods', 'default', 'shared', { metadata: { labels: { canary: 'true' } } })
    await n3.agent.store.patch('pods', 'default', 'shared', { metadata: { labels: { zone: 'z3', app: null } } })
    // The same spec replaced three ways.
    for (const [i, a] of [n1, n2, n3].entries()) await a.agent.store.replace('pods', withImage('conflict', `img-${i + 1}`))
    await n1.agent.store.create('pods', pod('from-n1'))
    await n3.agent.store.create('pods', pod('from-n3'))
    await converged([n1, n2], ['shared', 'from-n1', 'from-n3'])
    // Anti-entropy runs every 500 ms, yet nothing crosses the cut.
    await sleep(1500)
    expect(replicated(n3, 'from-n1')).toBeUndefined()
    expect(replicated(n1, 'from-n3')).toBeUndefined()
    expect(labelsOf(n3, 'shared')).toEqual({ zone: 'z3' })

    n3.heal(n1, n2)
    const state = await converged([n1, n2, n3], ['shared', 'conflict', 'from-n1', 'from-n3'])
    expect(labelsOf(n1, 'shared')).toEqual({ tier: 'front', canary: 'true', zone: 'z3' })
    expect(['img-1', 'img-2', 'img-3']).toContain(imageOf(n2, 'conflict'))
    expect(state['from-n1']).toBeDefined()
    expect(state['from-n3']).toBeDefined()
  })

  it('an agent restarted over its data dir after missing writes catches up', async () => {
    const [n1, n2, n3] = await threeAgents()
    await n3.agent.store.create('pods', pod('before', { v: '1' }))
    await n1.agent.store.create('pods', pod('doomed'))
    await converged([n1, n2, n3], ['before', 'doomed'])

    await n3.stop()
    await n1.agent.store.patch('pods', 'default', 'before', { metadata: { labels: { v: '2' } } })
    await n2.agent.store.create('pods', pod('while-away'))
    await n1.agent.store.delete('pods', 'default', 'doomed')

    // The others refuse it for a moment, so the test sees what it reloaded from its own disk:
    // what it had, not what it missed. It keeps dialing its remembered peers meanwhile.
    for (const a of [n1, n2]) a.agent.gater.block(n3.peerId)
    await n3.restart()
    await sleep(500)
    expect(labelsOf(n3, 'before')).toEqual({ v: '1' })
    expect(replicated(n3, 'doomed')).toBeDefined()
    expect(replicated(n3, 'while-away')).toBeUndefined()
    for (const a of [n1, n2]) a.agent.gater.unblock(n3.peerId)
    const state = await converged([n1, n2, n3], ['before', 'while-away', 'doomed'])
    expect(labelsOf(n3, 'before')).toEqual({ v: '2' })
    expect(state['while-away']).toBeDefined()
    expect(state['doomed']).toBeUndefined()
  })

  it('gossip dropped on the wire is repaired by anti-entropy', async () => {
    const [n1, n2, n3] = await threeAgents()
    const connections = n1.agent.host.getConnections().map((c) => c.id).sort()
    // How 'lossy' reaches each other node: the origin of the update that brought it.
    const arrivals = new Map<string, unknown>()
    for (const a of [n2, n3]) {
      a.agent.stores.doc.on('update', (_update: Uint8Array, origin: unknown) => {
        if (!arrivals.has(a.name) && a.agent.store.get('pods', 'default', 'lossy') !== undefined) arrivals.set(a.name, origin)
      })
    }
    n1.agent.stores.faults.dropOutgoingGossip = true
    try {
      await n1.agent.store.create('pods', pod('lossy', { lost: 'on-the-wire' }))
      await converged([n1, n2, n3], ['lossy'], 20_000)
    } finally {
      n1.agent.stores.faults.dropOutgoingGossip = false
    }
    for (const name of ['n2', 'n3']) {
      const origin = arrivals.get(name)
      expect(origin, name).toBeInstanceOf(PeerOrigin)
      // Over the sync stream, not gossip...
      expect((origin as PeerOrigin).via, name).toBe('sync')
    }
    // ...and not the sync a new connection runs: the links stayed as they were.
    expect(n1.agent.host.getConnections().map((c) => c.id).sort()).toEqual(connections)
    expect(labelsOf(n3, 'lossy')).toEqual({ lost: 'on-the-wire' })
  })
})
