import { describe, expect, it } from 'vitest'
import { effectivePhase, finishedBindings, reconcileReplicationController } from '../../node/controllers/index.js'
import type { Pod } from '../../node/controllers/index.js'
import { makeBinding, makePod, makeRc, sequentialSuffixes, T0 } from './fixtures.js'

describe('finishedBindings', () => {
  it('releases pods the bound node reports Succeeded or Failed, and nothing else', () => {
    const pods = [
      makePod('done', { phase: 'Succeeded', observedBy: 'peer-a' }),
      makePod('failed', { phase: 'Failed', observedBy: 'peer-a' }),
      makePod('running', { phase: 'Running', observedBy: 'peer-a' }),
      makePod('stale', { phase: 'Failed', observedBy: 'peer-old' }),
      makePod('unbound', { phase: 'Succeeded', observedBy: 'peer-a' }),
    ]
    const bindings = new Map(pods.filter((p) => p.metadata.name !== 'unbound').map((p) => [p.metadata.uid!, makeBinding(p)]))
    const out = finishedBindings(pods, (uid) => bindings.get(uid))
    expect(out.map((x) => x.pod.metadata.name)).toEqual(['done', 'failed'])
    expect(out[0]!.binding.nodeName).toBe('a')
  })

  it('the released pod keeps its final phase', () => {
    const done = makePod('done', { phase: 'Succeeded', observedBy: 'peer-a' })
    expect(effectivePhase(done, undefined)).toBe('Succeeded')
  })
})

describe('replication status with replicas on a dead node', () => {
  it('does not count a stored-Ready replica shown Unknown as ready or available', () => {
    const rc = makeRc('web', { replicas: 2 })
    const pods: Pod[] = [
      makePod('web-1', { owner: rc, labels: { app: 'web' }, phase: 'Running', ready: true, observedBy: 'peer-a' }),
      makePod('web-2', { owner: rc, labels: { app: 'web' }, phase: 'Running', ready: true, observedBy: 'peer-b' }),
    ]
    const bindings = new Map(pods.map((p) => [p.metadata.uid!, makeBinding(p, p.status!.observedBy!)]))
    const state = (node: string): 'alive' | 'down' => (node === 'peer-b' ? 'down' : 'alive')
    const phaseOf = (p: Pod): ReturnType<typeof effectivePhase> => {
      const b = bindings.get(p.metadata.uid!)
      return effectivePhase(p, b, b === undefined ? undefined : state(b.nodeId))
    }
    const d = reconcileReplicationController(rc, pods, bindings, { now: T0 + 60_000, newName: sequentialSuffixes(), phaseOf })
    expect(d.status).toMatchObject({ replicas: 2, readyReplicas: 1, availableReplicas: 1 })
    // Without the view, the stored condition is all there is.
    expect(reconcileReplicationController(rc, pods, bindings, { now: T0 + 60_000, newName: sequentialSuffixes() }).status.readyReplicas).toBe(2)
  })
})
