import { describe, expect, it } from 'vitest'
import { effectivePhase, reconcileReplicationController } from '../../node/controllers/index.js'
import type { Pod, ReplicationOptions } from '../../node/controllers/index.js'
import { bindingsOf, makeBinding, makePod, makeRc, sequentialSuffixes, T0 } from './fixtures.js'

const names = (pods: readonly Pod[]): string[] => pods.map((p) => p.metadata.name)

function options(extra: Partial<ReplicationOptions> = {}): ReplicationOptions {
  return { now: T0 + 60_000, newName: sequentialSuffixes(), ...extra }
}

describe('reconcileReplicationController: scaling', () => {
  it('creates the missing replicas from the template, owned by the RC', () => {
    const rc = makeRc('web', { replicas: 3, namespace: 'prod' })
    const existing = makePod('web-old', { namespace: 'prod', owner: rc, labels: { app: 'web' }, phase: 'Running' })
    const d = reconcileReplicationController(rc, [existing], bindingsOf([existing]), options())
    expect(names(d.create)).toEqual(['web-s0001', 'web-s0002'])
    expect(d.create[0]).toEqual({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: {
        name: 'web-s0001',
        namespace: 'prod',
        labels: { app: 'web' },
        annotations: { team: 'blue' },
        ownerReferences: [{ apiVersion: 'v1', kind: 'ReplicationController', name: 'web', uid: 'uid-web', controller: true, blockOwnerDeletion: true }],
      },
      spec: rc.spec.template.spec,
    })
    expect(d.create[0]!.metadata).not.toHaveProperty('uid')
    expect(d.create[0]!.spec).not.toBe(rc.spec.template.spec)
    expect(d.delete).toEqual([])
  })

  it('defaults to one replica and does nothing when the count is right', () => {
    const rc = makeRc('web')
    expect(reconcileReplicationController(rc, [], new Map(), options()).create).toHaveLength(1)
    const pod = makePod('web-1', { owner: rc, labels: { app: 'web' } })
    const d = reconcileReplicationController(rc, [pod], new Map(), options())
    expect([d.create, d.delete, d.adopt, d.release]).toEqual([[], [], [], []])
  })

  it('draws a new suffix when a name is taken, and truncates a long base name', () => {
    const rc = makeRc('web', { replicas: 2 })
    const taken = makePod('web-aaaaa', { labels: { other: 'x' } })
    const draws = ['aaaaa', 'aaaaa', 'bbbbb', 'ccccc']
    const d = reconcileReplicationController(rc, [taken], new Map(), options({ newName: () => draws.shift()! }))
    expect(names(d.create)).toEqual(['web-bbbbb', 'web-ccccc'])
    const long = makeRc('x'.repeat(70))
    expect(reconcileReplicationController(long, [], new Map(), options()).create[0]!.metadata.name).toBe(`${'x'.repeat(58)}s0001`)
  })

  it('creates fewer this round when the generator keeps clashing', () => {
    const rc = makeRc('web', { replicas: 3 })
    const d = reconcileReplicationController(rc, [], new Map(), options({ newName: () => 'same' }))
    expect(names(d.create)).toEqual(['web-same'])
  })

  it('caps creations and deletions per call', () => {
    const rc = makeRc('web', { replicas: 1200 })
    expect(reconcileReplicationController(rc, [], new Map(), options()).create).toHaveLength(500)
    expect(reconcileReplicationController(rc, [], new Map(), options({ burst: 7 })).create).toHaveLength(7)
    const small = makeRc('web', { replicas: 0 })
    const pods = Array.from({ length: 10 }, (_, i) => makePod(`web-${i}`, { owner: small, labels: { app: 'web' } }))
    expect(reconcileReplicationController(small, pods, new Map(), options({ burst: 4 })).delete).toHaveLength(4)
  })

  it('refuses to create replicas its selector would not match', () => {
    const rc = makeRc('web', { replicas: 2, selector: { app: 'api' } })
    const d = reconcileReplicationController(rc, [], new Map(), options())
    expect(d.create).toEqual([])
    expect(d.problem).toMatch(/do not match spec.selector/)
  })
})

describe('reconcileReplicationController: deletion order', () => {
  it('removes unscheduled, then not running, then not ready, then newest; name breaks ties', () => {
    const rc = makeRc('web', { replicas: 1 })
    const own = { owner: rc, labels: { app: 'web' } }
    const readyOld = makePod('web-ready-old', { ...own, age: 0, phase: 'Running', ready: true })
    const readyNew = makePod('web-ready-new', { ...own, age: 5000, phase: 'Running', ready: true })
    const readyTieB = makePod('web-tie-b', { ...own, age: 1000, phase: 'Running', ready: true })
    const readyTieA = makePod('web-tie-a', { ...own, age: 1000, phase: 'Running', ready: true })
    const notReady = makePod('web-notready', { ...own, age: -1000, phase: 'Running', ready: false })
    const starting = makePod('web-starting', { ...own, age: -2000, phase: 'Pending' })
    const unscheduled = makePod('web-unscheduled', { ...own, age: -3000 })
    const pods = [readyOld, readyNew, readyTieB, readyTieA, notReady, starting, unscheduled]
    const bindings = bindingsOf(pods.filter((p) => p !== unscheduled))
    const d = reconcileReplicationController(rc, pods, bindings, options())
    expect(names(d.delete)).toEqual(['web-unscheduled', 'web-starting', 'web-notready', 'web-ready-new', 'web-tie-a', 'web-tie-b'])
    expect(d.status.replicas).toBe(7)
  })

  it('with phaseOf = effectivePhase, replicas on a dead node go before healthy ones', () => {
    const rc = makeRc('web', { replicas: 1 })
    const onDead = makePod('web-dead', { owner: rc, labels: { app: 'web' }, age: 0, phase: 'Running', ready: true, observedBy: 'peer-b' })
    const healthy = makePod('web-ok', { owner: rc, labels: { app: 'web' }, age: 9000, phase: 'Running', ready: true, observedBy: 'peer-a' })
    const bindings = new Map([
      ['uid-web-dead', makeBinding(onDead, 'peer-b', 'b')],
      ['uid-web-ok', makeBinding(healthy, 'peer-a', 'a')],
    ])
    const lookup = (uid: string): ReturnType<typeof bindings.get> => bindings.get(uid)
    const phaseOf = (p: Pod): ReturnType<typeof effectivePhase> => {
      const b = lookup(p.metadata.uid ?? '')
      return effectivePhase(p, b, b?.nodeId === 'peer-b' ? 'down' : 'alive')
    }
    expect(names(reconcileReplicationController(rc, [healthy, onDead], lookup, options()).delete)).toEqual(['web-ok'])
    expect(names(reconcileReplicationController(rc, [healthy, onDead], lookup, options({ phaseOf })).delete)).toEqual(['web-dead'])
  })
})

describe('reconcileReplicationController: ownership', () => {
  it('adopts a matching orphan and counts it, instead of creating a replica', () => {
    const rc = makeRc('web', { replicas: 2 })
    const owned = makePod('web-1', { owner: rc, labels: { app: 'web' } })
    const orphan = makePod('hand-made', { labels: { app: 'web', extra: 'y' } })
    const d = reconcileReplicationController(rc, [owned, orphan], new Map(), options())
    expect(names(d.adopt)).toEqual(['hand-made'])
    expect(d.create).toEqual([])
    expect(d.status.replicas).toBe(2)
  })

  it('leaves alone pods of other controllers, other namespaces, non-matching labels and terminating orphans', () => {
    const rc = makeRc('web', { replicas: 1 })
    const other = makeRc('other', { labels: { app: 'web' } })
    const pods = [
      makePod('theirs', { owner: other, labels: { app: 'web' } }),
      makePod('elsewhere', { namespace: 'prod', labels: { app: 'web' } }),
      makePod('unrelated', { labels: { app: 'db' } }),
      makePod('dying-orphan', { labels: { app: 'web' }, deleting: true }),
    ]
    const d = reconcileReplicationController(rc, pods, new Map(), options())
    expect(d.adopt).toEqual([])
    expect(names(d.create)).toEqual(['web-s0001'])
    expect(d.status.replicas).toBe(0)
  })

  it('does not count terminating or finished replicas, and replaces them', () => {
    const rc = makeRc('web', { replicas: 3 })
    const own = { owner: rc, labels: { app: 'web' } }
    const pods = [makePod('web-1', { ...own, phase: 'Running' }), makePod('web-2', { ...own, phase: 'Running', deleting: true }), makePod('web-3', { ...own, phase: 'Failed' })]
    const d = reconcileReplicationController(rc, pods, bindingsOf(pods), options())
    expect(d.status.replicas).toBe(1)
    expect(d.create).toHaveLength(2)
    expect(d.delete).toEqual([])
  })

  it('releases an owned pod whose labels were changed, and replaces it', () => {
    const rc = makeRc('web', { replicas: 1 })
    const relabelled = makePod('web-1', { owner: rc, labels: { app: 'debug' } })
    const d = reconcileReplicationController(rc, [relabelled], new Map(), options())
    expect(names(d.release)).toEqual(['web-1'])
    expect(d.create).toHaveLength(1)
  })

  it('an RC being deleted reports status but neither scales nor claims', () => {
    const rc = makeRc('web', { replicas: 5, deleting: true })
    const pods = [makePod('web-1', { owner: rc, labels: { app: 'web' } }), makePod('orphan', { labels: { app: 'web' } })]
    const d = reconcileReplicationController(rc, pods, new Map(), options())
    expect([d.create, d.delete, d.adopt, d.release]).toEqual([[], [], [], []])
    expect(d.status.replicas).toBe(1)
  })

  it('an RC without a uid (not stored yet) cannot own pods, so it neither adopts nor creates', () => {
    const rc = makeRc('web', { replicas: 2 })
    const unstored = { ...rc, metadata: { ...rc.metadata, uid: '' } }
    const d = reconcileReplicationController(unstored, [makePod('orphan', { labels: { app: 'web' } })], new Map(), options())
    expect([d.create, d.adopt]).toEqual([[], []])
  })
})

describe('reconcileReplicationController: status', () => {
  it('counts replicas, fully labelled, ready and available (minReadySeconds), and the generation', () => {
    const rc = makeRc('web', { replicas: 4, labels: { app: 'web', tier: 'front' }, selector: { app: 'web' }, minReadySeconds: 30, generation: 3 })
    const now = T0 + 60_000
    const own = { owner: rc, phase: 'Running' as const }
    const pods = [
      makePod('web-1', { ...own, labels: { app: 'web', tier: 'front' }, ready: true, readySince: T0 }),
      makePod('web-2', { ...own, labels: { app: 'web', tier: 'front' }, ready: true, readySince: now - 10_000 }),
      makePod('web-3', { ...own, labels: { app: 'web' }, ready: false }),
      makePod('web-4', { ...own, labels: { app: 'web', tier: 'front' }, deleting: true, ready: true, readySince: T0 }),
    ]
    const d = reconcileReplicationController(rc, pods, bindingsOf(pods), options({ now }))
    expect(d.status).toEqual({ replicas: 3, fullyLabeledReplicas: 2, readyReplicas: 2, availableReplicas: 1, observedGeneration: 3 })
  })
})
