// A Deployment, its ReplicaSets and their pods in memory, driven by the real controllers: the
// deployment decision (reconcileDeployment) and the replica manager (reconcileReplicaSet), each
// applied the way their leader loops apply them. Deterministic: a fixed clock and sequential names.
import { reconcileDeployment, reconcileReplicaSet } from '../../node/controllers/index.js'
import type { Deployment, DeploymentDecision, DeploymentStrategy, OwnerObject, Pod, PodTemplate, ReplicaSet } from '../../node/controllers/index.js'
import { iso, sequentialSuffixes, T0 } from './fixtures.js'

export interface DeploymentInit {
  replicas?: number
  /** The template's image; changing it is a new template. */
  image?: string
  strategy?: DeploymentStrategy
  paused?: boolean
  revisionHistoryLimit?: number
  minReadySeconds?: number
  progressDeadlineSeconds?: number
}

export function templateOf(image: string): PodTemplate {
  return { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'web', image, command: ['sleep', '3600'] }] } }
}

export function makeDeployment(name: string, init: DeploymentInit = {}): Deployment & OwnerObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace: 'default', uid: `uid-${name}`, generation: 1, creationTimestamp: iso(T0) },
    spec: {
      replicas: init.replicas ?? 4,
      selector: { matchLabels: { app: 'web' } },
      template: templateOf(init.image ?? 'web:1'),
      ...(init.strategy !== undefined ? { strategy: init.strategy } : {}),
      ...(init.paused !== undefined ? { paused: init.paused } : {}),
      ...(init.revisionHistoryLimit !== undefined ? { revisionHistoryLimit: init.revisionHistoryLimit } : {}),
      ...(init.minReadySeconds !== undefined ? { minReadySeconds: init.minReadySeconds } : {}),
      ...(init.progressDeadlineSeconds !== undefined ? { progressDeadlineSeconds: init.progressDeadlineSeconds } : {}),
    },
  }
}

const isReady = (p: Pod): boolean => p.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') === true

export class RolloutSim {
  sets: ReplicaSet[] = []
  pods: Pod[] = []
  now = T0
  readonly decisions: DeploymentDecision[] = []
  private nextUid = 0
  private readonly suffixes = sequentialSuffixes()

  constructor(public deployment: Deployment) {}

  /** One round of the deployment controller, applied as DeploymentLoop applies it. */
  deploy(): DeploymentDecision {
    const d = reconcileDeployment(this.deployment, this.sets, this.pods, { now: this.now })
    this.decisions.push(d)
    const owner = { apiVersion: 'apps/v1', kind: 'Deployment', name: this.deployment.metadata.name, uid: this.deployment.metadata.uid ?? '', controller: true, blockOwnerDeletion: true }
    for (const rs of d.adopt) this.replaceSet(rs, (x) => ({ ...x, metadata: { ...x.metadata, ownerReferences: [owner] } }))
    if (d.create !== undefined) this.sets.push({ ...d.create, metadata: { ...d.create.metadata, uid: `rs-${++this.nextUid}`, creationTimestamp: iso(this.now), generation: 1 } })
    for (const u of d.update) {
      this.replaceSet(u.rs, (x) => {
        const spec = { ...x.spec, replicas: u.replicas, ...(u.minReadySeconds !== undefined ? { minReadySeconds: u.minReadySeconds } : {}) }
        const changed = spec.replicas !== x.spec.replicas || spec.minReadySeconds !== x.spec.minReadySeconds
        return { ...x, metadata: { ...x.metadata, annotations: u.annotations, generation: (x.metadata.generation ?? 1) + (changed ? 1 : 0) }, spec }
      })
    }
    const deleted = new Set(d.delete.map((rs) => rs.metadata.uid))
    this.sets = this.sets.filter((rs) => !deleted.has(rs.metadata.uid))
    const annotations = d.revision !== undefined ? { ...this.deployment.metadata.annotations, 'deployment.kubernetes.io/revision': d.revision } : this.deployment.metadata.annotations
    this.deployment = { ...this.deployment, metadata: { ...this.deployment.metadata, ...(annotations !== undefined ? { annotations } : {}) }, status: d.status }
    return d
  }

  /** One round of the replica manager for every ReplicaSet: new pods (not ready yet), excess ones deleted at once. */
  replicate(): void {
    for (const rs of this.sets) {
      const r = reconcileReplicaSet(rs, this.pods, new Map(), { now: this.now, newName: this.suffixes })
      const gone = new Set(r.delete.map((p) => p.metadata.uid))
      this.pods = [
        ...this.pods.filter((p) => !gone.has(p.metadata.uid)),
        ...r.create.map((p): Pod => ({ ...p, metadata: { ...p.metadata, uid: `pod-${++this.nextUid}`, creationTimestamp: iso(this.now) }, status: { phase: 'Running', conditions: [{ type: 'Ready', status: 'False' }] } })),
      ]
      this.replaceSet(rs, (x) => ({ ...x, status: r.status }))
    }
  }

  /** Every pod's readiness probe passes (now). */
  readyAll(): void {
    this.pods = this.pods.map((p) => (isReady(p) ? p : { ...p, status: { phase: 'Running', conditions: [{ type: 'Ready', status: 'True', lastTransitionTime: iso(this.now) }] } }))
  }

  /** Rounds of deploy → replicate → ready until nothing changes; `check` runs after each step. */
  settle(check: (sim: RolloutSim) => void = () => undefined, maxRounds = 60): void {
    for (let i = 0; i < maxRounds; i++) {
      const before = JSON.stringify([this.sets, this.pods, this.deployment])
      for (const step of [() => this.deploy(), () => this.replicate(), () => this.readyAll()]) {
        step()
        check(this)
        this.now += 1000
      }
      if (JSON.stringify([this.sets, this.pods, this.deployment]) === before) return
    }
    throw new Error(`no steady state after ${maxRounds} rounds`)
  }

  setTemplate(image: string): void {
    this.deployment = { ...this.deployment, metadata: { ...this.deployment.metadata, generation: (this.deployment.metadata.generation ?? 1) + 1 }, spec: { ...this.deployment.spec, template: templateOf(image) } }
  }

  setSpec(change: Partial<Deployment['spec']>): void {
    this.deployment = { ...this.deployment, metadata: { ...this.deployment.metadata, generation: (this.deployment.metadata.generation ?? 1) + 1 }, spec: { ...this.deployment.spec, ...change } }
  }

  /** Replicas of the ReplicaSet whose pods run `image`. */
  replicasOf(image: string): number | undefined {
    return this.setOf(image)?.spec.replicas
  }

  setOf(image: string): ReplicaSet | undefined {
    return this.sets.find((rs) => rs.spec.template.spec.containers[0]?.image === image)
  }

  /** Pods that exist, Ready ones, and how many run each image. */
  counts(): { total: number; ready: number; images: Record<string, number> } {
    const images: Record<string, number> = {}
    for (const p of this.pods) images[p.spec.containers[0]?.image ?? ''] = (images[p.spec.containers[0]?.image ?? ''] ?? 0) + 1
    return { total: this.pods.length, ready: this.pods.filter(isReady).length, images }
  }

  private replaceSet(rs: ReplicaSet, change: (rs: ReplicaSet) => ReplicaSet): void {
    this.sets = this.sets.map((x) => (x.metadata.uid === rs.metadata.uid ? change(x) : x))
  }
}
