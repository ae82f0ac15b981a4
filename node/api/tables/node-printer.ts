import type { NodeObject } from '../../objects/node-object.js'
import { age } from './cells.js'
import type { Printer } from './printer.js'

function status(n: NodeObject): string {
  const ready = n.status.conditions.find((c) => c.type === 'Ready')
  const base = ready?.status === 'True' ? 'Ready' : 'NotReady'
  const state = n.metadata.annotations['shoal.io/member-state']
  return state === 'left' ? `${base},Left` : base
}

export const nodePrinter: Printer<NodeObject> = {
  headers: ['NAME', 'STATUS', 'ROLES', 'AGE', 'VERSION'],
  row: (n, now) => [
    n.metadata.name,
    status(n),
    n.metadata.labels['shoal.io/raft-role'] ?? '<none>',
    age(n.metadata.creationTimestamp, now),
    n.status.nodeInfo['kubeletVersion'] ?? '',
  ],
  wideHeaders: ['INTERNAL-IP', 'CPU', 'MEMORY', 'RUNTIMES', 'PEER-ID'],
  wideRow: (n) => [
    n.status.addresses.find((a) => a.type === 'InternalIP')?.address ?? '<none>',
    n.status.allocatable['cpu'] ?? '',
    n.status.allocatable['memory'] ?? '',
    n.metadata.annotations['shoal.io/runtimes'] ?? '',
    n.metadata.uid,
  ],
}
