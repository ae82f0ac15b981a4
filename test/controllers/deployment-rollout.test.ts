import { describe, expect, it } from 'vitest'
import { maxSurge, maxUnavailable, podTemplateHash } from '../../node/controllers/index.js'
import type { DeploymentStrategy } from '../../node/controllers/index.js'
import { makeDeployment, RolloutSim, templateOf } from './rollout-sim.js'

const rolling = (surge: number | string, unavailable: number | string): DeploymentStrategy => ({ type: 'RollingUpdate', rollingUpdate: { maxSurge: surge, maxUnavailable: unavailable } })

/** A deployment of `replicas` settled on web:1, every pod Ready. */
function settled(replicas: number, strategy?: DeploymentStrategy): RolloutSim {
  const sim = new RolloutSim(makeDeployment('web', { replicas, ...(strategy !== undefined ? { strategy } : {}) }))
  sim.settle()
  expect(sim.counts()).toEqual({ total: replicas, ready: replicas, images: { 'web:1': replicas } })
  return sim
}

/** After each check: at most replicas + maxSurge pods exist and at least replicas - maxUnavailable are Ready. */
function bounds(replicas: number, surge: number, unavailable: number): (sim: RolloutSim) => void {
  return (sim) => {
    const { total, ready } = sim.counts()
    expect(total).toBeLessThanOrEqual(replicas + surge)
    expect(ready).toBeGreaterThanOrEqual(replicas - unavailable)
  }
}

describe('rolling update limits', () => {
  it('resolves maxSurge up and maxUnavailable down from percentages, with 25% defaults', () => {
    expect([maxSurge(makeDeployment('d', { replicas: 10 })), maxUnavailable(makeDeployment('d', { replicas: 10 }))]).toEqual([3, 2])
    expect([maxSurge(makeDeployment('d', { replicas: 4, strategy: rolling('1%', '30%') })), maxUnavailable(makeDeployment('d', { replicas: 4, strategy: rolling('1%', '30%') }))]).toEqual([1, 1])
    // Both 0 could never make progress: one pod may then be unavailable.
    expect(maxUnavailable(makeDeployment('d', { replicas: 4, strategy: rolling(0, '10%') }))).toBe(1)
    expect(maxUnavailable(makeDeployment('d', { replicas: 3, strategy: rolling(2, 7) }))).toBe(3)
    const recreate = makeDeployment('d', { strategy: { type: 'Recreate' } })
    expect([maxSurge(recreate), maxUnavailable(recreate)]).toEqual([0, 0])
  })
})

describe('reconcileDeployment: rolling update', () => {
  it('moves step by step within maxSurge 1 and maxUnavailable 1 (ints)', () => {
    const sim = settled(4, rolling(1, 1))
    sim.setTemplate('web:2')
    const steps: [number | undefined, number | undefined][] = []
    const check = bounds(4, 1, 1)
    const record = (): void => {
      steps.push([sim.replicasOf('web:1'), sim.replicasOf('web:2')])
      check(sim)
    }
    // Each round: the controller, the replica manager, the controller again, the replica manager, then the new pods turn Ready.
    for (let i = 0; i < 3; i++) {
      for (let j = 0; j < 2; j++) {
        sim.deploy()
        record()
        sim.replicate()
        check(sim)
      }
      sim.readyAll()
    }
    // Up to the surge, then down as far as new pods are available: one kind of step per run.
    expect(steps).toEqual([
      [3, 1],
      [3, 2],
      [1, 2],
      [1, 4],
      [0, 4],
      [0, 4],
    ])
    expect(sim.counts()).toEqual({ total: 4, ready: 4, images: { 'web:2': 4 } })
    const events = sim.decisions.flatMap((d) => d.events.map((e) => e.message))
    const v2 = sim.setOf('web:2')!.metadata.name
    expect(events).toContain(`Scaled up replica set ${v2} from 0 to 1`)
    expect(events).toContain(`Scaled down replica set ${sim.setOf('web:1')!.metadata.name} from 4 to 3`)
  })

  it('keeps within 25%/25% of 10 (surge 3, unavailable 2) and with surge 0 never adds a pod', () => {
    const ten = settled(10)
    ten.setTemplate('web:2')
    ten.deploy()
    expect([ten.replicasOf('web:1'), ten.replicasOf('web:2')]).toEqual([8, 3])
    ten.settle(bounds(10, 3, 2))
    expect(ten.counts().images).toEqual({ 'web:2': 10 })

    const tight = settled(3, rolling(0, 1))
    tight.setTemplate('web:2')
    tight.settle(bounds(3, 0, 1))
    expect(tight.counts()).toEqual({ total: 3, ready: 3, images: { 'web:2': 3 } })
  })

  it('with maxUnavailable 0 scales old pods down only as new ones become available', () => {
    const sim = settled(4, rolling('50%', 0))
    sim.setTemplate('web:2')
    sim.deploy()
    expect([sim.replicasOf('web:1'), sim.replicasOf('web:2')]).toEqual([4, 2])
    sim.replicate()
    for (let i = 0; i < 3; i++) sim.deploy()
    expect(sim.replicasOf('web:1')).toBe(4)
    sim.settle(bounds(4, 2, 0))
    expect(sim.counts().images).toEqual({ 'web:2': 4 })
  })
})

describe('reconcileDeployment: the new ReplicaSet', () => {
  it('creates <name>-<hash> with the hash in labels, selector and template, revision 1, owned by the deployment', () => {
    const sim = new RolloutSim(makeDeployment('web', { replicas: 3, minReadySeconds: 5 }))
    const d = sim.deploy()
    const hash = podTemplateHash(templateOf('web:1'))
    expect(d.create).toEqual({
      apiVersion: 'apps/v1',
      kind: 'ReplicaSet',
      metadata: {
        name: `web-${hash}`,
        namespace: 'default',
        labels: { app: 'web', 'pod-template-hash': hash },
        annotations: { 'deployment.kubernetes.io/revision': '1', 'deployment.kubernetes.io/desired-replicas': '3', 'deployment.kubernetes.io/max-replicas': '4' },
        ownerReferences: [{ apiVersion: 'apps/v1', kind: 'Deployment', name: 'web', uid: 'uid-web', controller: true, blockOwnerDeletion: true }],
      },
      spec: {
        replicas: 3,
        minReadySeconds: 5,
        selector: { matchLabels: { app: 'web', 'pod-template-hash': hash } },
        template: { ...templateOf('web:1'), metadata: { labels: { app: 'web', 'pod-template-hash': hash } } },
      },
    })
    expect(d.revision).toBe('1')
  })

  it('carries the deployment annotations (change-cause) but not last-applied or its own revision', () => {
    const base = makeDeployment('web')
    const annotated = { ...base, metadata: { ...base.metadata, annotations: { 'kubernetes.io/change-cause': 'v1', 'kubectl.kubernetes.io/last-applied-configuration': '{}', 'deployment.kubernetes.io/revision': '7' } } }
    const d = new RolloutSim(annotated).deploy()
    expect(d.create?.metadata.annotations).toMatchObject({ 'kubernetes.io/change-cause': 'v1', 'deployment.kubernetes.io/revision': '1' })
    expect(d.create?.metadata.annotations).not.toHaveProperty('kubectl.kubernetes.io/last-applied-configuration')
  })

  it('rolling back to an earlier template reuses its ReplicaSet with the next revision', () => {
    const sim = settled(3)
    sim.setTemplate('web:2')
    sim.settle()
    const [v1, v2] = [sim.setOf('web:1')!, sim.setOf('web:2')!]
    expect([v1.metadata.annotations?.['deployment.kubernetes.io/revision'], v2.metadata.annotations?.['deployment.kubernetes.io/revision']]).toEqual(['1', '2'])
    const made = sim.decisions.length
    sim.setTemplate('web:1')
    sim.settle()
    expect(sim.decisions.slice(made).some((d) => d.create !== undefined)).toBe(false)
    expect(sim.sets.map((rs) => rs.metadata.uid)).toEqual([v1.metadata.uid, v2.metadata.uid])
    expect(sim.setOf('web:1')!.metadata.annotations?.['deployment.kubernetes.io/revision']).toBe('3')
    expect(sim.deployment.metadata.annotations?.['deployment.kubernetes.io/revision']).toBe('3')
    expect(sim.counts().images).toEqual({ 'web:1': 3 })
  })

  it('on a name taken by another object, bumps collisionCount and hashes anew next round', () => {
    const sim = new RolloutSim(makeDeployment('web', { replicas: 2 }))
    const hash = podTemplateHash(templateOf('web:1'))
    sim.sets = [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', metadata: { name: `web-${hash}`, namespace: 'default', uid: 'foreign', labels: { app: 'other' } }, spec: { replicas: 0, selector: { matchLabels: { app: 'other' } }, template: templateOf('x') } }]
    const first = sim.deploy()
    expect(first.create).toBeUndefined()
    expect(first.status.collisionCount).toBe(1)
    const second = sim.deploy()
    expect(second.create?.metadata.name).toBe(`web-${podTemplateHash(templateOf('web:1'), 1)}`)
    expect(second.status.collisionCount).toBe(1)
  })

  it('adopts an orphan ReplicaSet its selector matches, and leaves others alone', () => {
    const sim = new RolloutSim(makeDeployment('web', { replicas: 2 }))
    const orphan = { apiVersion: 'apps/v1', kind: 'ReplicaSet', metadata: { name: 'hand-made', namespace: 'default', uid: 'o1', labels: { app: 'web' } }, spec: { replicas: 2, selector: { matchLabels: { app: 'web' } }, template: templateOf('web:1') } }
    const other = { ...orphan, metadata: { ...orphan.metadata, name: 'other', uid: 'o2', labels: { app: 'db' } } }
    sim.sets = [orphan, other]
    const d = sim.deploy()
    expect(d.adopt.map((rs) => rs.metadata.name)).toEqual(['hand-made'])
    // Its template is the deployment's: it is the new ReplicaSet, so none is created.
    expect(d.create).toBeUndefined()
  })
})

describe('reconcileDeployment: Recreate', () => {
  it('scales every old ReplicaSet to zero, waits for their pods to go, then creates the new one at full size', () => {
    const sim = settled(3, { type: 'Recreate' })
    sim.setTemplate('web:2')
    const first = sim.deploy()
    expect(sim.replicasOf('web:1')).toBe(0)
    expect(first.create).toBeUndefined()
    // The old pods still exist: no new ReplicaSet yet, however often it runs.
    expect(sim.deploy().create).toBeUndefined()
    sim.replicate()
    expect(sim.counts().total).toBe(0)
    const third = sim.deploy()
    expect(third.create?.spec.replicas).toBe(3)
    sim.settle((s) => expect(Object.keys(s.counts().images).length).toBeLessThanOrEqual(1))
    expect(sim.counts()).toEqual({ total: 3, ready: 3, images: { 'web:2': 3 } })
  })
})

describe('reconcileDeployment: history, pause, scale', () => {
  it('deletes old ReplicaSets at zero beyond revisionHistoryLimit, lowest revision first', () => {
    const sim = new RolloutSim(makeDeployment('web', { replicas: 2, revisionHistoryLimit: 1 }))
    sim.settle()
    for (const image of ['web:2', 'web:3']) {
      sim.setTemplate(image)
      sim.settle()
    }
    expect(sim.sets.map((rs) => rs.spec.template.spec.containers[0]?.image)).toEqual(['web:2', 'web:3'])
    expect(sim.decisions.flatMap((d) => d.delete.map((rs) => rs.spec.template.spec.containers[0]?.image))).toEqual(['web:1'])
  })

  it('says when it is paused; once resumed, a complete deployment says so again', () => {
    const sim = settled(2)
    sim.setSpec({ paused: true })
    expect(sim.deploy().status.conditions).toContainEqual(expect.objectContaining({ type: 'Progressing', status: 'Unknown', reason: 'DeploymentPaused' }))
    sim.setSpec({ paused: false })
    // Resumed (DeploymentResumed), and in the same round found complete, as Kubernetes ends up.
    expect(sim.deploy().status.conditions).toContainEqual(expect.objectContaining({ type: 'Progressing', status: 'True', reason: 'NewReplicaSetAvailable' }))
  })

  it('a paused deployment does not roll out a new template, still scales, and resumes', () => {
    const sim = settled(2)
    sim.setSpec({ paused: true, template: templateOf('web:2') })
    const paused = sim.deploy()
    expect(paused.create).toBeUndefined()
    expect(paused.status.conditions).toContainEqual(expect.objectContaining({ type: 'Progressing', status: 'Unknown', reason: 'DeploymentPaused', message: 'Deployment is paused' }))
    sim.setSpec({ replicas: 3 })
    sim.settle()
    expect(sim.counts().images).toEqual({ 'web:1': 3 })
    sim.setSpec({ paused: false })
    const resumed = sim.deploy()
    expect(resumed.create?.spec.template.spec.containers[0]?.image).toBe('web:2')
    sim.settle()
    expect(sim.counts().images).toEqual({ 'web:2': 3 })
  })

  it('a change of replicas alone in the middle of a rollout resizes every ReplicaSet in proportion', () => {
    const sim = settled(4, rolling(1, 1))
    sim.setTemplate('web:2')
    sim.deploy()
    sim.replicate()
    sim.deploy()
    expect([sim.replicasOf('web:1'), sim.replicasOf('web:2')]).toEqual([3, 2])
    sim.setSpec({ replicas: 8 })
    const d = sim.deploy()
    // Allowed 8 + 1 = 9 from 5 sized for 4 + 1: 3 → 5.4 and 2 → 3.6, rounded; no rollout step.
    expect([sim.replicasOf('web:1'), sim.replicasOf('web:2')]).toEqual([5, 4])
    expect(d.create).toBeUndefined()
    sim.settle((s) => expect(s.counts().total).toBeLessThanOrEqual(9))
    expect(sim.counts().images).toEqual({ 'web:2': 8 })
  })
})

describe('reconcileDeployment: status and conditions', () => {
  it('reports counts and Available/Progressing as kubectl rollout status reads them', () => {
    const sim = new RolloutSim(makeDeployment('web', { replicas: 4 }))
    const created = sim.deploy()
    const name = created.create!.metadata.name
    expect(created.status).toMatchObject({ observedGeneration: 1, replicas: 0, updatedReplicas: 0, readyReplicas: 0, availableReplicas: 0, unavailableReplicas: 4 })
    expect(created.status.conditions).toEqual([
      expect.objectContaining({ type: 'Progressing', status: 'True', reason: 'NewReplicaSetCreated', message: `Created new replica set "${name}"` }),
      expect.objectContaining({ type: 'Available', status: 'False', reason: 'MinimumReplicasUnavailable' }),
    ])
    sim.replicate()
    sim.readyAll()
    const progressed = sim.deploy()
    expect(progressed.status.conditions).toContainEqual(expect.objectContaining({ type: 'Progressing', status: 'True', reason: 'NewReplicaSetAvailable', message: `ReplicaSet "${name}" has successfully progressed.` }))
    expect(progressed.status.conditions).toContainEqual(expect.objectContaining({ type: 'Available', status: 'True', reason: 'MinimumReplicasAvailable' }))
    expect(progressed.status).toMatchObject({ replicas: 4, updatedReplicas: 4, readyReplicas: 4, availableReplicas: 4, unavailableReplicas: 0 })
  })

  it('ReplicaSetUpdated while pods move, ProgressDeadlineExceeded once the deadline passes without progress', () => {
    const sim = settled(4, rolling(1, 1))
    sim.deployment = { ...sim.deployment, spec: { ...sim.deployment.spec, progressDeadlineSeconds: 60 } }
    sim.setTemplate('web:2')
    sim.deploy()
    sim.replicate()
    sim.now += 1000
    const moving = sim.deploy()
    const v2 = sim.setOf('web:2')!.metadata.name
    expect(moving.status.conditions).toContainEqual(expect.objectContaining({ type: 'Progressing', status: 'True', reason: 'ReplicaSetUpdated', message: `ReplicaSet "${v2}" is progressing.` }))
    sim.replicate()
    sim.deploy()
    // The new pods never turn Ready.
    sim.now += 61_000
    const stuck = sim.deploy()
    expect(stuck.status.conditions).toContainEqual(expect.objectContaining({ type: 'Progressing', status: 'False', reason: 'ProgressDeadlineExceeded', message: `ReplicaSet "${v2}" has timed out progressing.` }))
  })

  it('a deployment being deleted only reports status', () => {
    const sim = settled(2)
    sim.deployment = { ...sim.deployment, metadata: { ...sim.deployment.metadata, deletionTimestamp: '2024-05-01T12:00:00Z' } }
    sim.setTemplate('web:2')
    const d = sim.deploy()
    expect([d.create, d.update, d.delete, d.adopt]).toEqual([undefined, [], [], []])
    expect(d.status.replicas).toBe(2)
  })
})
