import type { Binding } from '../allocation/commands.js'
import { compareText } from '../scheduler/text-order.js'
import type { AbsenceLog } from './absence.js'
import { noteAbsences } from './absence.js'

/** A member as membership reports it; `since` is the local time of its last state change. */
export interface MemberView {
  nodeId: string
  name: string
  state: 'alive' | 'suspect' | 'down' | 'left'
  since: number
}

export type LifecycleBinding = Pick<Binding, 'podUid' | 'namespace' | 'name' | 'nodeId' | 'nodeName'>

/** Why a node cannot run pods: silent (down), gracefully gone (left), or absent from membership. */
export type NotReadyCause = 'down' | 'left' | 'unknown'

export interface PodRef {
  podUid: string
  namespace: string
  name: string
}

export interface NotReadyNode {
  nodeId: string
  name: string
  cause: NotReadyCause
  /** When the node became not ready (for 'unknown': when this caller first noticed it missing). */
  since: number
  /** Pods bound to it, for NodeNotReady events; the API shows them Unknown (effectivePhase). */
  pods: PodRef[]
}

export interface Unbind extends PodRef {
  nodeId: string
  nodeName: string
  cause: NotReadyCause
  /** For the unbind command and the Rescheduled event. */
  reason: string
}

/** What the caller keeps between rounds; start with none (a new leader starts afresh). */
export interface LifecycleMemory {
  /** Nodes already reported not ready; a node is reported again after it has been alive. */
  notReady: ReadonlySet<string>
  /** Bound nodes absent from membership, with when they were first noticed. */
  unknownSince: AbsenceLog
}

/**
 * How long a node that left gracefully keeps its pods bound, by default. An agent stops
 * gracefully on an upgrade or a restart and leaves its containers running to adopt them when it
 * is back, which takes a few seconds; moving its pods away meanwhile would restart every replica.
 */
export const DEFAULT_LEFT_GRACE_MS = 15_000

export interface LifecycleOptions {
  now: number
  /** How long a node stays down before its pods are unbound. */
  rescheduleGraceMs: number
  /**
   * How long a node that left stays away before its pods are unbound; the grace applied is the
   * longer of this and rescheduleGraceMs. Default DEFAULT_LEFT_GRACE_MS.
   */
  leftGraceMs?: number
  memory?: LifecycleMemory
}

export interface LifecycleDecision {
  /** Nodes that became not ready since the last round (all of them on the first round). */
  notReady: NotReadyNode[]
  unbind: Unbind[]
  memory: LifecycleMemory
}

const REASON: Record<NotReadyCause, (name: string) => string> = {
  down: (name) => `node ${name} is down`,
  left: (name) => `node ${name} left the cluster`,
  unknown: (name) => `node ${name} is not a cluster member`,
}

/**
 * The node lifecycle controller's decision for one round.
 *
 * - `suspect` never unbinds and is not reported: suspicion is often a late heartbeat, and moving
 *   pods off a live node costs more than waiting for `down`.
 * - `down` for at least `rescheduleGraceMs` (now - since >= grace): every pod on it is unbound so
 *   its controller's replica is placed elsewhere. The caller should confirm the death with a
 *   direct ping before proposing (DESIGN: gossip can be wrong).
 * - `left` (a graceful stop) after max(rescheduleGraceMs, leftGraceMs): the agent does not stop
 *   its containers when it stops, so that a restart within the grace adopts them and keeps every
 *   pod where it is. A node gone for good has its pods placed elsewhere after the grace.
 * - A node that holds bindings but is absent from membership (never heard by this leader, or
 *   forgotten after being down for long) counts as down since this caller first noticed it, via
 *   `memory.unknownSince`. Counting from first notice rather than treating it as long dead keeps a
 *   freshly elected leader, whose member table is still filling, from unbinding healthy nodes'
 *   pods; so the grace should exceed a few heartbeat intervals.
 */
export function nodeLifecycle(members: readonly MemberView[], bindings: readonly LifecycleBinding[], options: LifecycleOptions): LifecycleDecision {
  const { now, memory } = options
  const byId = new Map(members.map((m) => [m.nodeId, m]))
  const byNode = groupByNode(bindings)
  const unknownSince = noteAbsences(memory?.unknownSince, [...byNode.keys()].filter((id) => !byId.has(id)), now)

  const down: NotReadyNode[] = []
  for (const m of members) {
    if (m.state === 'down' || m.state === 'left') down.push({ nodeId: m.nodeId, name: m.name, cause: m.state, since: m.since, pods: (byNode.get(m.nodeId) ?? []).map(toRef) })
  }
  for (const [nodeId, since] of unknownSince) {
    const bound = byNode.get(nodeId) ?? []
    down.push({ nodeId, name: bound[0]?.nodeName ?? nodeId, cause: 'unknown', since, pods: bound.map(toRef) })
  }
  down.sort((a, b) => compareText(a.name, b.name) || compareText(a.nodeId, b.nodeId))

  const unbind: Unbind[] = []
  for (const node of down) {
    const grace = node.cause === 'left' ? Math.max(options.rescheduleGraceMs, options.leftGraceMs ?? DEFAULT_LEFT_GRACE_MS) : options.rescheduleGraceMs
    if (now - node.since < grace) continue
    const reason = REASON[node.cause](node.name)
    for (const p of node.pods) unbind.push({ podUid: p.podUid, namespace: p.namespace, name: p.name, nodeId: node.nodeId, nodeName: node.name, cause: node.cause, reason })
  }
  return {
    notReady: down.filter((n) => memory?.notReady.has(n.nodeId) !== true),
    unbind,
    memory: { notReady: new Set(down.map((n) => n.nodeId)), unknownSince },
  }
}

function toRef(b: LifecycleBinding): PodRef {
  return { podUid: b.podUid, namespace: b.namespace, name: b.name }
}

/** Bindings per node, each list in namespace/name order so that events and commands are stable. */
function groupByNode(bindings: readonly LifecycleBinding[]): Map<string, LifecycleBinding[]> {
  const out = new Map<string, LifecycleBinding[]>()
  const sorted = [...bindings].sort((a, b) => compareText(a.namespace, b.namespace) || compareText(a.name, b.name) || compareText(a.podUid, b.podUid))
  for (const b of sorted) {
    const list = out.get(b.nodeId)
    if (list === undefined) out.set(b.nodeId, [b])
    else list.push(b)
  }
  return out
}
