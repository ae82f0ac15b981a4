import type { ApiObject } from '../output/api-object.js'
import { age } from '../../node/api/tables/cells.js'
import { DescribeText, mapLines } from './describe-layout.js'
import { describeKind } from './describe-sections.js'
import { eventTime } from '../../node/api/tables/workload-printers.js'

type EventObject = ApiObject & { type?: string; reason?: string; message?: string; count?: number; source?: { component?: string; host?: string }; lastTimestamp?: string | null }

/**
 * `shoal describe`: metadata, the kind's own sections, then the object's events, oldest first,
 * in the layout kubectl users know.
 */
/** Objects a kind's description draws on besides the object itself (a service's endpoints, a deployment's ReplicaSets). */
export interface Related {
  endpoints?: ApiObject
  /** A deployment's ReplicaSets (those it controls). */
  replicaSets?: readonly ApiObject[]
}

export function describeObject(plural: string, obj: ApiObject, events: readonly ApiObject[], now = Date.now(), related: Related = {}): string {
  const m = obj.metadata
  const out = new DescribeText()
  const owner = m.ownerReferences?.find((o) => o.controller === true) ?? m.ownerReferences?.[0]
  out.fields([
    ['Name', m.name],
    ['Namespace', m.namespace],
    ['Labels', mapLines(m.labels)],
    ['Annotations', mapLines(m.annotations)],
    ['Created', m.creationTimestamp === undefined ? undefined : `${m.creationTimestamp} (${age(m.creationTimestamp, now)} ago)`],
    ['UID', m.uid],
    ['Controlled By', owner === undefined ? undefined : `${owner.kind}/${owner.name}`],
  ])
  describeKind(out, plural, obj, related)
  const sorted = [...events].sort((a, b) => Date.parse(eventTime(a) ?? '') - Date.parse(eventTime(b) ?? ''))
  out.table(
    'Events',
    ['Type', 'Reason', 'Age', 'From', 'Message'],
    sorted.map((e) => {
      const ev = e as EventObject
      const count = ev.count !== undefined && ev.count > 1 ? ` (x${ev.count})` : ''
      return [ev.type ?? 'Normal', ev.reason ?? '', `${age(eventTime(ev), now)}${count}`, ev.source?.host ?? ev.source?.component ?? '', (ev.message ?? '').replace(/\s+/g, ' ')]
    }),
  )
  return out.toString()
}
