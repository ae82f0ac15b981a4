import { describe, expect, it } from 'vitest'
import { collectGarbage } from '../../node/controllers/index.js'
import type { OwnerReference, Pod } from '../../node/controllers/index.js'
import { iso, makePod, makeRc, T0 } from './fixtures.js'

const names = (pods: readonly Pod[]): string[] => pods.map((p) => p.metadata.name)
const web = makeRc('web')
const gone = makeRc('gone')

function withOwners(pod: Pod, refs: OwnerReference[]): Pod {
  return { ...pod, metadata: { ...pod.metadata, ownerReferences: refs } }
}

function finishedPod(name: string, phase: 'Succeeded' | 'Failed' | 'Running', finishedAt: number[]): Pod {
  const pod = makePod(name, { phase })
  const containerStatuses = finishedAt.map((t) => ({ state: { terminated: { finishedAt: iso(t) } } }))
  return { ...pod, status: { ...pod.status, containerStatuses: [...containerStatuses, { state: { running: {} } }] } }
}

describe('collectGarbage', () => {
  it('collects pods whose controller is gone and keeps the rest', () => {
    const pods = [makePod('web-1', { owner: web }), makePod('gone-1', { owner: gone }), makePod('bare'), makePod('gone-2', { owner: gone, deleting: true })]
    const d = collectGarbage(pods, { replicationcontrollers: new Set(['uid-web']) }, { now: T0 })
    expect(names(d.orphans)).toEqual(['gone-1'])
    expect(d.finished).toEqual([])
  })

  it('checks owner uids, not names: a recreated RC of the same name does not own old pods', () => {
    const old = makePod('web-1', { owner: web })
    const d = collectGarbage([old], { replicationcontrollers: new Set(['uid-web-recreated']) }, { now: T0 })
    expect(names(d.orphans)).toEqual(['web-1'])
  })

  it('keeps a pod while any owner exists or an owner is of a kind it cannot check', () => {
    const goneRef = { apiVersion: 'v1', kind: 'ReplicationController', name: 'gone', uid: 'uid-gone', controller: true }
    const pods = [
      withOwners(makePod('two-owners'), [goneRef, { apiVersion: 'v1', kind: 'ReplicationController', name: 'web', uid: 'uid-web' }]),
      withOwners(makePod('foreign'), [goneRef, { apiVersion: 'apps/v1', kind: 'StatefulSet', name: 's', uid: 'uid-s' }]),
      withOwners(makePod('all-gone'), [goneRef, { apiVersion: 'apps/v1', kind: 'Deployment', name: 'd', uid: 'uid-d' }]),
    ]
    const d = collectGarbage(pods, { replicationcontrollers: new Set(['uid-web']), deployments: new Set() }, { now: T0 })
    expect(names(d.orphans)).toEqual(['all-gone'])
  })

  it('waits until the owner has been missing for settleMs, carried between rounds', () => {
    const pods = [makePod('gone-1', { owner: gone }), makePod('web-1', { owner: web })]
    const owners = { replicationcontrollers: new Set(['uid-web']) }
    const r1 = collectGarbage(pods, owners, { now: T0, settleMs: 5000 })
    expect(r1.orphans).toEqual([])
    expect([...r1.ownersMissingSince]).toEqual([['uid-gone', T0]])
    const r2 = collectGarbage(pods, owners, { now: T0 + 4999, settleMs: 5000, ownersMissingSince: r1.ownersMissingSince })
    expect(r2.orphans).toEqual([])
    const r3 = collectGarbage(pods, owners, { now: T0 + 5000, settleMs: 5000, ownersMissingSince: r2.ownersMissingSince })
    expect(names(r3.orphans)).toEqual(['gone-1'])
  })

  it('restarts the settle clock when the owner reappears (the store caught up)', () => {
    const pods = [makePod('web-1', { owner: web })]
    const r1 = collectGarbage(pods, { replicationcontrollers: new Set() }, { now: T0, settleMs: 5000 })
    const r2 = collectGarbage(pods, { replicationcontrollers: new Set(['uid-web']) }, { now: T0 + 3000, settleMs: 5000, ownersMissingSince: r1.ownersMissingSince })
    expect(r2.ownersMissingSince.size).toBe(0)
    const r3 = collectGarbage(pods, { replicationcontrollers: new Set() }, { now: T0 + 6000, settleMs: 5000, ownersMissingSince: r2.ownersMissingSince })
    expect(r3.orphans).toEqual([])
  })

  it('collects finished pods past the TTL, by their last container finish, only when a TTL is given', () => {
    const pods = [
      finishedPod('done-old', 'Succeeded', [T0, T0 - 5000]),
      finishedPod('failed-recent', 'Failed', [T0 - 5000, T0 + 50_000]),
      finishedPod('running', 'Running', [T0 - 5000]),
      finishedPod('no-finish-time', 'Succeeded', []),
    ]
    const owners = { replicationcontrollers: new Set<string>() }
    expect(collectGarbage(pods, owners, { now: T0 + 60_000 }).finished).toEqual([])
    expect(names(collectGarbage(pods, owners, { now: T0 + 60_000, finishedTtlMs: 60_000 }).finished)).toEqual(['done-old'])
  })
})
