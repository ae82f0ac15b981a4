import type { Binding } from '../../allocation/commands.js'
import type { Pod, ReplicationController } from '../../objects/pod.js'
import { isPodActive, isPodReady } from '../pod-state.js'

export interface ReplicationStatus {
  replicas: number
  fullyLabeledReplicas: number
  readyReplicas: number
  availableReplicas: number
  observedGeneration: number
}

export interface ReplicationDecision {
  create: Pod[]
  delete: Pod[]
  /** Orphans matching the selector: the caller sets this RC as their controller. */
  adopt: Pod[]
  status: ReplicationStatus
}

export interface ReplicationOptions {
  newName: () => string
  bindingOf: (podUid: string) => Binding | undefined
  /** Most creations or deletions in one round, so a huge change is spread over a few. */
  burst?: number
}

export function selectorOf(rc: ReplicationController): Record<string, string> {
  return rc.spec.selector ?? rc.spec.template.metadata?.labels ?? {}
}

function matches(selector: Record<string, string>, labels: Record<string, string> | undefined): boolean {
  const keys = Object.keys(selector)
  return keys.length > 0 && keys.every((k) => labels?.[k] === selector[k])
}

function controllerUid(pod: Pod): string | undefined {
  return pod.metadata.ownerReferences?.find((o) => o.controller === true)?.uid
}

/**
 * Kubernetes' order for removing excess replicas: unscheduled first, then scheduled but not
 * running, then not ready, then the newest; name breaks ties so every leader picks the same pods.
 */
export function deletionOrder(pods: Pod[], bindingOf: (uid: string) => Binding | undefined): Pod[] {
  const rank = (p: Pod): number => {
    if (bindingOf(p.metadata.uid ?? '') === undefined) return 0
    if (p.status?.phase !== 'Running') return 1
    return isPodReady(p) ? 3 : 2
  }
  return [...pods].sort((a, b) => {
    const r = rank(a) - rank(b)
    if (r !== 0) return r
    const t = (Date.parse(b.metadata.creationTimestamp ?? '') || 0) - (Date.parse(a.metadata.creationTimestamp ?? '') || 0)
    return t !== 0 ? t : a.metadata.name < b.metadata.name ? -1 : 1
  })
}

/** What the replication manager does for one RC, as a pure function of the pods it sees. */
export function decideReplication(rc: ReplicationController, pods: Pod[], options: ReplicationOptions): ReplicationDecision {
  const uid = rc.metadata.uid ?? ''
  const selector = selectorOf(rc)
  const inNamespace = pods.filter((p) => (p.metadata.namespace ?? 'default') === (rc.metadata.namespace ?? 'default'))
  const owned = inNamespace.filter((p) => controllerUid(p) === uid)
  const adopt = inNamespace.filter((p) => controllerUid(p) === undefined && matches(selector, p.metadata.labels) && isPodActive(p))
  const active = [...owned.filter(isPodActive), ...adopt]
  const want = rc.spec.replicas ?? 1
  const burst = options.burst ?? 500
  const create: Pod[] = []
  for (let i = 0; i < Math.min(burst, want - active.length); i++) create.push(podFromTemplate(rc, options.newName()))
  const excess = Math.min(burst, active.length - want)
  const remove = excess > 0 ? deletionOrder(active, options.bindingOf).slice(0, excess) : []
  const ready = active.filter(isPodReady).length
  const templateLabels = rc.spec.template.metadata?.labels ?? {}
  return {
    create,
    delete: remove,
    adopt,
    status: {
      replicas: active.length,
      fullyLabeledReplicas: active.filter((p) => Object.entries(templateLabels).every(([k, v]) => p.metadata.labels?.[k] === v)).length,
      readyReplicas: ready,
      availableReplicas: ready,
      observedGeneration: rc.metadata.generation ?? 1,
    },
  }
}

export function podFromTemplate(rc: ReplicationController, name: string): Pod {
  const t = rc.spec.template
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name,
      namespace: rc.metadata.namespace ?? 'default',
      labels: { ...(t.metadata?.labels ?? {}) },
      ...(t.metadata?.annotations !== undefined ? { annotations: { ...t.metadata.annotations } } : {}),
      ownerReferences: [{ apiVersion: 'v1', kind: 'ReplicationController', name: rc.metadata.name, uid: rc.metadata.uid ?? '', controller: true, blockOwnerDeletion: true }],
    },
    spec: structuredClone(t.spec),
  }
}
