// Argument helpers for the interaction scripts: node names and conf-change notation.

import type { ConfChange, ConfChangeSingle, ConfChangeTransition } from '../../../../consensus/core/conf-change.js'
import type { NodeId } from '../../../../consensus/core/types.js'
import type { CommandArg } from './datadriven.js'

export function argVal(a: CommandArg[], key: string): string {
  const v = a.find((x) => x.key === key)?.vals[0]
  if (v === undefined) throw new Error(`missing ${key}=`)
  return v
}

/** `n2` or `2` -> 'n2'. */
export function nodeId(s: string): NodeId {
  return /^\d+$/.test(s) ? `n${s}` : s
}

/** Changes as `v:n2 l:n3 r:n4` (or etcd's `v2 l3 r4`); transition=auto|implicit|explicit. */
export function parseConfChange(a: CommandArg[], input: string): ConfChange {
  const t = a.find((x) => x.key === 'transition')?.vals[0] ?? 'auto'
  const transitions: Record<string, ConfChangeTransition> = { auto: 'auto', implicit: 'joint-implicit', explicit: 'joint-explicit' }
  const transition = transitions[t]
  if (transition === undefined) throw new Error(`bad transition ${t}`)
  const types: Record<string, ConfChangeSingle['type']> = { v: 'add-node', l: 'add-learner', r: 'remove-node' }
  const changes = input
    .split(/\s+/)
    .filter((tok) => tok !== '')
    .map((tok): ConfChangeSingle => {
      const type = types[tok[0]!]
      if (type === undefined) throw new Error(`bad change ${tok}`)
      return { type, nodeId: nodeId(tok.slice(1).replace(/^:/, '')) }
    })
  return { transition, changes }
}
