import type { ApiObject } from './printer.js'
import { age, labelString } from './cells.js'
import type { Printer } from './printer.js'

/** What the wide columns of a controller read: its template's containers. */
export interface TemplateView {
  spec?: { containers?: { name: string; image?: string; command?: string[] }[] }
}

export const TEMPLATE_WIDE_HEADERS = ['CONTAINERS', 'IMAGES', 'SELECTOR']

/** CONTAINERS, IMAGES (a process-runtime container shows its command) and SELECTOR. */
export function templateColumns(template: TemplateView | undefined, selector: string): string[] {
  const containers = template?.spec?.containers ?? []
  return [containers.map((c) => c.name).join(','), containers.map((c) => c.image ?? c.command?.join(' ') ?? '').join(','), selector]
}

interface RcView extends ApiObject {
  spec?: { replicas?: number; selector?: Record<string, string>; template?: TemplateView }
  status?: { replicas?: number; readyReplicas?: number }
}

export const REPLICA_HEADERS = ['NAME', 'DESIRED', 'CURRENT', 'READY', 'AGE']

/** The row of a replica controller (RC, ReplicaSet): desired, current and ready pods. */
export function replicaRow(r: ApiObject & { spec?: { replicas?: number }; status?: { replicas?: number; readyReplicas?: number } }, now: number): string[] {
  return [r.metadata.name, String(r.spec?.replicas ?? 1), String(r.status?.replicas ?? 0), String(r.status?.readyReplicas ?? 0), age(r.metadata.creationTimestamp, now)]
}

export const rcPrinter: Printer<RcView> = {
  headers: REPLICA_HEADERS,
  row: replicaRow,
  wideHeaders: TEMPLATE_WIDE_HEADERS,
  wideRow: (r) => templateColumns(r.spec?.template, labelString(r.spec?.selector)),
}

interface ServiceView extends ApiObject {
  spec?: { type?: string; selector?: Record<string, string>; ports?: { port: number; nodePort?: number; protocol?: string }[] }
}

export const servicePrinter: Printer<ServiceView> = {
  headers: ['NAME', 'TYPE', 'PORT(S)', 'SELECTOR', 'AGE'],
  row: (s, now) => [
    s.metadata.name,
    s.spec?.type ?? 'ClusterIP',
    (s.spec?.ports ?? []).map((p) => `${p.port}${p.nodePort !== undefined ? `:${p.nodePort}` : ''}/${p.protocol ?? 'TCP'}`).join(',') || '<none>',
    labelString(s.spec?.selector),
    age(s.metadata.creationTimestamp, now),
  ],
}

export const namespacePrinter: Printer<ApiObject & { status?: { phase?: string } }> = {
  headers: ['NAME', 'STATUS', 'AGE'],
  row: (n, now) => [n.metadata.name, n.status?.phase ?? 'Active', age(n.metadata.creationTimestamp, now)],
}

interface EventView extends ApiObject {
  type?: string
  reason?: string
  message?: string
  count?: number
  lastTimestamp?: string | null
  firstTimestamp?: string | null
  eventTime?: string | null
  involvedObject?: { kind?: string; name?: string }
}

/** When an event last happened: lastTimestamp, else eventTime, else when it was stored. */
export function eventTime(e: EventView): string | undefined {
  return e.lastTimestamp ?? e.eventTime ?? e.firstTimestamp ?? e.metadata.creationTimestamp
}

export const eventPrinter: Printer<EventView> = {
  headers: ['LAST SEEN', 'TYPE', 'REASON', 'OBJECT', 'MESSAGE'],
  row: (e, now) => [
    age(eventTime(e), now),
    e.type ?? 'Normal',
    e.reason ?? '',
    `${(e.involvedObject?.kind ?? '').toLowerCase()}/${e.involvedObject?.name ?? ''}`,
    (e.message ?? '').replace(/\s+/g, ' '),
  ],
}

interface EndpointsView extends ApiObject {
  subsets?: { addresses?: { ip: string }[]; ports?: { port: number }[] }[]
}

const SHOWN_ENDPOINTS = 3

export const endpointsPrinter: Printer<EndpointsView> = {
  headers: ['NAME', 'ENDPOINTS', 'AGE'],
  row: (e, now) => {
    const all = (e.subsets ?? []).flatMap((s) => (s.addresses ?? []).flatMap((a) => (s.ports ?? [{ port: undefined }]).map((p) => (p.port === undefined ? a.ip : `${a.ip}:${p.port}`))))
    const shown = all.slice(0, SHOWN_ENDPOINTS).join(',')
    const more = all.length > SHOWN_ENDPOINTS ? ` + ${all.length - SHOWN_ENDPOINTS} more...` : ''
    return [e.metadata.name, all.length === 0 ? '<none>' : shown + more, age(e.metadata.creationTimestamp, now)]
  },
}

/** Anything without a printer of its own. */
export const genericPrinter: Printer<ApiObject> = {
  headers: ['NAME', 'AGE'],
  row: (o, now) => [o.metadata.name, age(o.metadata.creationTimestamp, now)],
}
