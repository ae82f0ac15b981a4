import type { Binding } from '../allocation/commands.js'
import { compareText } from '../scheduler/text-order.js'
import { isPodReady } from './pod-phase.js'
import type { Pod, PodPhase } from './types.js'

/** The committed allocation table as a map or a lookup function (e.g. `(uid) => table.get(uid)`). */
export type BindingLookup = ReadonlyMap<string, Binding> | ((podUid: string) => Binding | undefined)

export function bindingOf(bindings: BindingLookup, pod: Pod): Binding | undefined {
  const uid = pod.metadata.uid
  if (uid === undefined) return undefined
  return typeof bindings === 'function' ? bindings(uid) : bindings.get(uid)
}

/** Kubernetes' order of phases when choosing victims: a pod that does least work goes first. */
const PHASE_RANK: Record<PodPhase, number> = { Pending: 0, Scheduled: 0, Unknown: 1, Running: 2, Succeeded: 2, Failed: 2 }

/**
 * Most expendable first, after Kubernetes' ActivePods order: unscheduled (no committed binding),
 * then scheduled but not yet running (Pending/Scheduled before Unknown before Running), then not
 * Ready, then the newest; name and uid break ties so every leader picks the same victims.
 * `phaseOf` lets the caller rank by the phase users see (effectivePhase), so that replicas on a
 * dead node, shown Unknown, go before healthy ones.
 */
export function sortForDeletion<P extends Pod>(pods: readonly P[], bindings: BindingLookup, phaseOf: (pod: P) => PodPhase | undefined = (p) => p.status?.phase): P[] {
  const keyed = pods.map((pod) => ({
    pod,
    bound: bindingOf(bindings, pod) === undefined ? 0 : 1,
    phase: PHASE_RANK[phaseOf(pod) ?? 'Pending'],
    ready: isPodReady(pod) ? 1 : 0,
    created: Date.parse(pod.metadata.creationTimestamp ?? '') || 0,
  }))
  keyed.sort(
    (a, b) =>
      a.bound - b.bound ||
      a.phase - b.phase ||
      a.ready - b.ready ||
      b.created - a.created ||
      compareText(a.pod.metadata.name, b.pod.metadata.name) ||
      compareText(a.pod.metadata.uid ?? '', b.pod.metadata.uid ?? ''),
  )
  return keyed.map((k) => k.pod)
}
