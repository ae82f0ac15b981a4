// Membership changes, after etcd's ConfChangeV2. A ConfChange travels in a log entry of type
// 'conf-change' and takes effect on each node when that entry is applied (etcd's model; the
// leader allows one unapplied change at a time, which makes apply-time switching safe).
//
// A change with one voter addition/removal (or any number of learner changes) is applied directly
// ("simple"). Anything that changes more than one voter goes through joint consensus (Raft thesis
// §4.3): the config becomes `new && old`, where every decision needs a majority of both, and a
// second, empty ConfChange leaves the joint config.

import { ConfChangeDecodeError } from './errors.js'
import type { NodeId } from './types.js'

export type ConfChangeType = 'add-node' | 'add-learner' | 'remove-node'

export interface ConfChangeSingle {
  type: ConfChangeType
  nodeId: NodeId
}

/**
 * auto:           simple when possible, otherwise joint with automatic leave.
 * joint-implicit: always joint, left automatically once applied.
 * joint-explicit: always joint, stays joint until the application proposes a leave (an empty
 *                 ConfChange), e.g. to act between the two steps.
 */
export type ConfChangeTransition = 'auto' | 'joint-implicit' | 'joint-explicit'

export interface ConfChange {
  transition: ConfChangeTransition
  changes: ConfChangeSingle[]
  /** Opaque application data (e.g. the new member's address); not interpreted by Raft. */
  context?: Uint8Array
}

/** The change that leaves a joint configuration. */
export function leaveJointConfChange(): ConfChange {
  return { transition: 'auto', changes: [] }
}

export function isLeaveJoint(cc: ConfChange): boolean {
  return cc.transition === 'auto' && cc.changes.length === 0
}

/** Whether `cc` must use joint consensus and, if so, whether it leaves the joint config by itself. */
export function enterJoint(cc: ConfChange): { autoLeave: boolean } | undefined {
  if (cc.transition === 'auto' && cc.changes.length <= 1) return undefined
  return { autoLeave: cc.transition !== 'joint-explicit' }
}

const TYPES: readonly ConfChangeType[] = ['add-node', 'add-learner', 'remove-node']
const TRANSITIONS: readonly ConfChangeTransition[] = ['auto', 'joint-implicit', 'joint-explicit']

interface ConfChangeJson {
  t: ConfChangeTransition
  c: [ConfChangeType, NodeId][]
  x?: number[]
}

/**
 * JSON bytes: conf changes are rare and small, and JSON keeps them inspectable in a WAL dump.
 * The leave-joint change encodes to zero bytes so that it never counts against the uncommitted
 * size limit (etcd relies on the same property to auto-leave reliably).
 */
export function encodeConfChange(cc: ConfChange): Uint8Array {
  if (isLeaveJoint(cc) && (cc.context === undefined || cc.context.length === 0)) return new Uint8Array(0)
  const json: ConfChangeJson = { t: cc.transition, c: cc.changes.map((s) => [s.type, s.nodeId]) }
  if (cc.context !== undefined && cc.context.length > 0) json.x = [...cc.context]
  return new TextEncoder().encode(JSON.stringify(json))
}

export function decodeConfChange(data: Uint8Array): ConfChange {
  if (data.length === 0) return leaveJointConfChange()
  let raw: unknown
  try {
    raw = JSON.parse(new TextDecoder().decode(data))
  } catch (err) {
    throw new ConfChangeDecodeError(err instanceof Error ? err.message : String(err))
  }
  if (typeof raw !== 'object' || raw === null) throw new ConfChangeDecodeError('not an object')
  const obj = raw as Record<string, unknown>
  const t = obj['t']
  if (!TRANSITIONS.includes(t as ConfChangeTransition)) throw new ConfChangeDecodeError(`bad transition ${String(t)}`)
  const list = obj['c']
  if (!Array.isArray(list)) throw new ConfChangeDecodeError('changes is not a list')
  const changes: ConfChangeSingle[] = list.map((item: unknown) => {
    if (!Array.isArray(item) || item.length !== 2) throw new ConfChangeDecodeError('bad change')
    const [type, nodeId] = item as unknown[]
    if (!TYPES.includes(type as ConfChangeType)) throw new ConfChangeDecodeError(`bad change type ${String(type)}`)
    if (typeof nodeId !== 'string' || nodeId === '') throw new ConfChangeDecodeError('bad node id')
    return { type: type as ConfChangeType, nodeId }
  })
  const cc: ConfChange = { transition: t as ConfChangeTransition, changes }
  const x = obj['x']
  if (x !== undefined) {
    if (!Array.isArray(x) || !x.every((b) => Number.isInteger(b) && b >= 0 && b < 256)) throw new ConfChangeDecodeError('bad context')
    cc.context = Uint8Array.from(x as number[])
  }
  return cc
}

/** Compact text form used in logs and golden scripts: `v:n2 l:n3 r:n4`. */
export function describeConfChange(cc: ConfChange): string {
  const letter: Record<ConfChangeType, string> = { 'add-node': 'v', 'add-learner': 'l', 'remove-node': 'r' }
  const parts = cc.changes.map((s) => `${letter[s.type]}:${s.nodeId}`)
  if (cc.transition !== 'auto') parts.unshift(`[${cc.transition}]`)
  return parts.length === 0 ? '[leave-joint]' : parts.join(' ')
}
