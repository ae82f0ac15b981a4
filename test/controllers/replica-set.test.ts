import { describe, expect, it } from 'vitest'
import { collectGarbage, findOrphans, podTemplateHash, reconcileReplicaSet, sameTemplate } from '../../node/controllers/index.js'
import type { LabelSelectorObject, OwnerObject, Pod, PodTemplate, ReplicaSet, ReplicationOptions } from '../../node/controllers/index.js'
import { makePod, sequentialSuffixes, T0, webSpec } from './fixtures.js'

const names = (pods: readonly Pod[]): string[] => pods.map((p) => p.metadata.name)

function options(extra: Partial<ReplicationOptions> = {}): ReplicationOptions {
  return { now: T0 + 60_000, newName: sequentialSuffixes(), ...extra }
}

function makeRs(name: string, selector: LabelSelectorObject, labels: Record<string, string>, replicas = 2): ReplicaSet & OwnerObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'ReplicaSet',
    metadata: { name, namespace: 'default', uid: `uid-${name}`, generation: 2 },
    spec: { replicas, selector, template: { metadata: { labels }, spec: webSpec } },
  }
}

describe('reconcileReplicaSet: the replica manager with a LabelSelector', () => {
  it('creates replicas owned by the ReplicaSet (apps/v1), as it does for an RC', () => {
    const rs = makeRs('web-abc', { matchLabels: { app: 'web' } }, { app: 'web', tier: 'front' })
    const d = reconcileReplicaSet(rs, [], new Map(), options())
    expect(names(d.create)).toEqual(['web-abc-s0001', 'web-abc-s0002'])
    expect(d.create[0]!.metadata.ownerReferences).toEqual([{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'web-abc', uid: 'uid-web-abc', controller: true, blockOwnerDeletion: true }])
    expect(d.create[0]!.metadata.labels).toEqual({ app: 'web', tier: 'front' })
    expect(d.status).toEqual({ replicas: 0, fullyLabeledReplicas: 0, readyReplicas: 0, availableReplicas: 0, observedGeneration: 2 })
  })

  it('claims by matchLabels and matchExpressions (In, NotIn, Exists, DoesNotExist)', () => {
    const selector: LabelSelectorObject = {
      matchLabels: { app: 'web' },
      matchExpressions: [
        { key: 'tier', operator: 'In', values: ['front', 'edge'] },
        { key: 'track', operator: 'NotIn', values: ['canary'] },
        { key: 'zone', operator: 'Exists' },
        { key: 'debug', operator: 'DoesNotExist' },
      ],
    }
    const rs = makeRs('web', selector, { app: 'web', tier: 'front', zone: 'a' }, 1)
    const pods = [
      makePod('fits', { labels: { app: 'web', tier: 'edge', zone: 'b' } }),
      makePod('other-tier', { labels: { app: 'web', tier: 'back', zone: 'b' } }),
      makePod('canary', { labels: { app: 'web', tier: 'front', zone: 'b', track: 'canary' } }),
      makePod('no-zone', { labels: { app: 'web', tier: 'front' } }),
      makePod('debugging', { labels: { app: 'web', tier: 'front', zone: 'b', debug: '1' } }),
    ]
    const d = reconcileReplicaSet(rs, pods, new Map(), options())
    expect(names(d.adopt)).toEqual(['fits'])
    expect(d.create).toEqual([])
    expect(d.status.replicas).toBe(1)
  })

  it("a pod-template-hash in the selector keeps two ReplicaSets of one deployment off each other's pods", () => {
    const v1 = makeRs('web-1', { matchLabels: { app: 'web', 'pod-template-hash': 'h1' } }, { app: 'web', 'pod-template-hash': 'h1' }, 1)
    const v2 = makeRs('web-2', { matchLabels: { app: 'web', 'pod-template-hash': 'h2' } }, { app: 'web', 'pod-template-hash': 'h2' }, 1)
    const pod = makePod('web-1-x', { owner: v1, labels: { app: 'web', 'pod-template-hash': 'h1' } })
    expect(reconcileReplicaSet(v1, [pod], new Map(), options()).status.replicas).toBe(1)
    const other = reconcileReplicaSet(v2, [pod], new Map(), options())
    expect([other.adopt, other.release, other.status.replicas]).toEqual([[], [], 0])
    expect(other.create).toHaveLength(1)
  })

  it('creates nothing with an empty selector or one its template does not match', () => {
    const empty = reconcileReplicaSet(makeRs('web', {}, { app: 'web' }), [makePod('orphan', { labels: { app: 'web' } })], new Map(), options())
    expect([empty.create, empty.adopt, empty.problem]).toEqual([[], [], 'spec.selector is empty'])
    const mismatch = reconcileReplicaSet(makeRs('web', { matchLabels: { app: 'api' } }, { app: 'web' }), [], new Map(), options())
    expect(mismatch.create).toEqual([])
    expect(mismatch.problem).toMatch(/do not match spec.selector/)
    const malformed = reconcileReplicaSet(makeRs('web', { matchExpressions: [{ key: 'a', operator: 'In' }] }, { a: 'x' }), [], new Map(), options())
    expect(malformed.problem).toMatch(/^spec.selector is invalid: .*needs at least one value/)
  })
})

describe('garbage collection of ReplicaSets', () => {
  it('collects ReplicaSets whose deployment is gone; their pods follow once they are', () => {
    const rs = { ...makeRs('web-1', { matchLabels: { app: 'web' } }, { app: 'web' }), metadata: { name: 'web-1', uid: 'uid-web-1', ownerReferences: [{ apiVersion: 'apps/v1', kind: 'Deployment', name: 'web', uid: 'uid-web', controller: true }] } }
    const pod = makePod('web-1-x', { owner: rs })
    expect(findOrphans([rs], { replicationcontrollers: new Set(), deployments: new Set(['uid-web']) }, { now: T0 }).orphans).toEqual([])
    expect(findOrphans([rs], { replicationcontrollers: new Set(), deployments: new Set() }, { now: T0 }).orphans).toEqual([rs])
    expect(names(collectGarbage([pod], { replicationcontrollers: new Set(), replicasets: new Set(['uid-web-1']) }, { now: T0 }).orphans)).toEqual([])
    expect(names(collectGarbage([pod], { replicationcontrollers: new Set(), replicasets: new Set() }, { now: T0 }).orphans)).toEqual(['web-1-x'])
  })
})

describe('pod-template-hash', () => {
  const template: PodTemplate = { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'web', image: 'web:1', command: ['sleep', '1'] }] } }

  it('is stable across key order, Go zero values and its own label, and short and safe', () => {
    const reordered = JSON.parse('{"spec":{"containers":[{"command":["sleep","1"],"image":"web:1","name":"web","resources":{}}]},"metadata":{"creationTimestamp":null,"labels":{"pod-template-hash":"zzz","app":"web"}}}') as PodTemplate
    expect(podTemplateHash(reordered)).toBe(podTemplateHash(template))
    expect(sameTemplate(reordered, template)).toBe(true)
    expect(podTemplateHash(template)).toMatch(/^[bcdfghjklmnpqrstvwxz2456789]{1,10}$/)
  })

  it('changes with the template and with the collision count', () => {
    const other: PodTemplate = { ...template, spec: { containers: [{ name: 'web', image: 'web:2', command: ['sleep', '1'] }] } }
    expect(podTemplateHash(other)).not.toBe(podTemplateHash(template))
    expect(sameTemplate(other, template)).toBe(false)
    expect(podTemplateHash(template, 1)).not.toBe(podTemplateHash(template))
  })
})
