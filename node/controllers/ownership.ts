import type { LabelSelectorObject } from '../../crdt/index.js'
import { selectorFromObject } from '../../crdt/index.js'
import type { OwnerReference, ReplicationController } from './types.js'

type Labels = Readonly<Record<string, string>> | undefined

interface Owned {
  metadata: { ownerReferences?: readonly OwnerReference[] }
}

/** The owner reference with `controller: true`: at most one object manages a pod. */
export function controllerRef(obj: Owned): OwnerReference | undefined {
  return obj.metadata.ownerReferences?.find((o) => o.controller === true)
}

/** `spec.selector`, defaulting to the template's labels as Kubernetes does. */
export function selectorOf(rc: ReplicationController): Record<string, string> {
  return rc.spec.selector ?? rc.spec.template.metadata?.labels ?? {}
}

/**
 * Equality-based selector match. An empty selector matches nothing: the API requires one, and a
 * controller that claimed every pod in its namespace would delete other people's pods.
 */
export function matchesSelector(selector: Record<string, string>, labels: Labels): boolean {
  const keys = Object.keys(selector)
  return keys.length > 0 && keys.every((k) => labels?.[k] === selector[k])
}

/** Which objects a controller claims by their labels; with a `problem` it claims none. */
export interface ClaimSelector {
  matches(labels: Labels): boolean
  problem?: string
}

/** A ReplicationController's map selector (default: its template's labels). */
export function rcClaimSelector(rc: ReplicationController): ClaimSelector {
  const selector = selectorOf(rc)
  if (Object.keys(selector).length === 0) return { matches: () => false, problem: 'spec.selector is empty and the template has no labels' }
  return { matches: (labels) => matchesSelector(selector, labels) }
}

/**
 * A metav1.LabelSelector (ReplicaSets, Deployments). The API rejects an empty or malformed one;
 * one written past the API matches nothing, for the same reason as an empty map selector.
 */
export function labelClaimSelector(selector: LabelSelectorObject | undefined): ClaimSelector {
  const empty = (selector?.matchLabels === undefined || Object.keys(selector.matchLabels).length === 0) && (selector?.matchExpressions ?? []).length === 0
  if (empty) return { matches: () => false, problem: 'spec.selector is empty' }
  try {
    const parsed = selectorFromObject(selector)
    return { matches: (labels) => parsed.matches(labels) }
  } catch (err) {
    return { matches: () => false, problem: `spec.selector is invalid: ${(err as Error).message}` }
  }
}

export interface Claim<T> {
  /** Controlled by the owner and still matching, then the adopted. */
  active: T[]
  /** Matching objects without a controller: the caller makes the owner their controller. */
  adopt: T[]
  /** Controlled objects that no longer match: the caller removes the controller reference. */
  release: T[]
}

/**
 * Kubernetes' ControllerRefManager over `candidates` (live objects of the owner's namespace):
 * objects it controls count while they match, matching orphans are adopted and count at once.
 * A `passive` owner (being deleted, or not stored yet) neither adopts nor releases.
 */
export function claim<T extends Owned & { metadata: { labels?: Record<string, string> } }>(ownerUid: string, candidates: readonly T[], selector: ClaimSelector, passive: boolean): Claim<T> {
  const matching = (o: T): boolean => selector.matches(o.metadata.labels)
  const owned = candidates.filter((o) => ownerUid !== '' && controllerRef(o)?.uid === ownerUid)
  const adopt = passive ? [] : candidates.filter((o) => controllerRef(o) === undefined && matching(o))
  const release = passive ? [] : owned.filter((o) => !matching(o))
  return { active: [...owned.filter(matching), ...adopt], adopt, release }
}

export function namespaceOf(obj: { metadata: { namespace?: string } }): string {
  return obj.metadata.namespace ?? 'default'
}
