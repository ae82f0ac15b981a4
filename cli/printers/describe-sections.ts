import type { ApiObject } from '../output/api-object.js'
import type { DescribeText } from './describe-layout.js'
import { mapLines } from './describe-layout.js'
import { labelString } from '../../node/api/tables/cells.js'
import type { PodView } from '../../node/api/tables/pod-printer.js'
import { podStatus } from '../../node/api/tables/pod-printer.js'
import { eventTime } from '../../node/api/tables/workload-printers.js'

interface ContainerSpec {
  name: string
  image?: string
  command?: string[]
  args?: string[]
  ports?: { name?: string; containerPort: number; hostPort?: number }[]
  env?: { name: string; value?: string }[]
  resources?: { requests?: Record<string, string | number>; limits?: Record<string, string | number> }
}

interface ContainerStatus {
  name: string
  ready?: boolean
  restartCount?: number
  state?: Record<string, { reason?: string; exitCode?: number; startedAt?: string }>
}

const quantities = (r: Record<string, string | number> | undefined): string | undefined =>
  r === undefined ? undefined : Object.entries(r).map(([k, v]) => `${k}: ${v}`).join('\n')

/** One container's lines, with its runtime state when a status is known. */
function container(out: DescribeText, c: ContainerSpec, status: ContainerStatus | undefined, indent: number): void {
  const stateName = status?.state === undefined ? undefined : Object.keys(status.state)[0]
  const state = stateName === undefined ? undefined : status!.state![stateName]
  out.heading(`${c.name}`, indent)
  out.fields(
    [
      ['Image', c.image],
      ['Command', c.command?.join(' ')],
      ['Args', c.args?.join(' ')],
      ['Ports', c.ports?.map((p) => `${p.containerPort}${p.hostPort !== undefined ? ` (host ${p.hostPort})` : ''}${p.name !== undefined ? ` ${p.name}` : ''}`).join(', ')],
      ['State', stateName === undefined ? undefined : `${stateName[0]!.toUpperCase()}${stateName.slice(1)}${state?.reason !== undefined ? ` (${state.reason})` : ''}${state?.exitCode !== undefined ? `, exit code ${state.exitCode}` : ''}`],
      ['Ready', status?.ready === undefined ? undefined : String(status.ready)],
      ['Restart Count', status?.restartCount],
      ['Requests', quantities(c.resources?.requests)],
      ['Limits', quantities(c.resources?.limits)],
      ['Environment', c.env === undefined ? undefined : c.env.map((e) => `${e.name}=${e.value ?? ''}`).join('\n')],
    ],
    indent + 2,
  )
}

function containers(out: DescribeText, specs: ContainerSpec[] | undefined, statuses: ContainerStatus[] | undefined, indent = 0): void {
  out.heading('Containers', indent)
  for (const c of specs ?? []) container(out, c, statuses?.find((s) => s.name === c.name), indent + 2)
}

type PodDescribed = PodView & {
  spec?: { restartPolicy?: string; runtimeClassName?: string; nodeSelector?: Record<string, string>; containers?: ContainerSpec[] }
  status?: { conditions?: { type: string; status: string; reason?: string; message?: string }[]; containerStatuses?: ContainerStatus[] }
}

function pod(out: DescribeText, p: PodDescribed): void {
  out.fields([
    ['Node', p.spec?.nodeName ?? '<none>'],
    ['Status', podStatus(p)],
    ['IP', p.status?.podIP ?? p.status?.hostIP ?? '<none>'],
    ['Runtime', p.spec?.runtimeClassName],
    ['Restart Policy', p.spec?.restartPolicy],
    ['Node-Selectors', mapLines(p.spec?.nodeSelector)],
  ])
  containers(out, p.spec?.containers, p.status?.containerStatuses)
  out.table('Conditions', ['Type', 'Status', 'Reason', 'Message'], (p.status?.conditions ?? []).map((c) => [c.type, c.status, c.reason ?? '', c.message ?? '']))
}

type RcDescribed = ApiObject & {
  spec?: { replicas?: number; selector?: Record<string, string>; template?: { metadata?: { labels?: Record<string, string> }; spec?: { containers?: ContainerSpec[] } } }
  status?: { replicas?: number; readyReplicas?: number; availableReplicas?: number }
}

function replicationController(out: DescribeText, rc: RcDescribed): void {
  out.fields([
    ['Selector', labelString(rc.spec?.selector)],
    ['Replicas', `${rc.status?.replicas ?? 0} current / ${rc.spec?.replicas ?? 1} desired`],
    ['Pods Status', `${rc.status?.readyReplicas ?? 0} Ready / ${rc.status?.availableReplicas ?? 0} Available`],
  ])
  out.heading('Pod Template')
  out.fields([['Labels', mapLines(rc.spec?.template?.metadata?.labels)]], 2)
  containers(out, rc.spec?.template?.spec?.containers, undefined, 2)
}

type ServiceDescribed = ApiObject & { spec?: { type?: string; selector?: Record<string, string>; ports?: { name?: string; port: number; targetPort?: number | string; protocol?: string }[] } }

type Address = { ip: string; nodeName?: string; targetRef?: { name?: string } }
type EndpointsDescribed = { subsets?: { addresses?: Address[]; notReadyAddresses?: Address[]; ports?: { port: number }[] }[] }

/** `ip:port (pod on node)` for each address of a subset group. */
function addressLines(endpoints: EndpointsDescribed | undefined, which: 'addresses' | 'notReadyAddresses'): string {
  const lines = (endpoints?.subsets ?? []).flatMap((s) =>
    (s[which] ?? []).flatMap((a) => (s.ports ?? []).map((p) => `${a.ip}:${p.port} (${a.targetRef?.name ?? '?'} on ${a.nodeName ?? '?'})`)),
  )
  return lines.join('\n') || '<none>'
}

function service(out: DescribeText, s: ServiceDescribed, endpoints: EndpointsDescribed | undefined): void {
  const conditions = (s.status as { conditions?: { type: string; status: string; message?: string }[] } | undefined)?.conditions ?? []
  out.fields([
    ['Type', s.spec?.type ?? 'ClusterIP'],
    ['Selector', labelString(s.spec?.selector)],
    ['Ports', (s.spec?.ports ?? []).map((p) => `${p.name ?? '<unset>'} ${p.port}/${p.protocol ?? 'TCP'} → ${p.targetPort ?? p.port}`).join('\n') || '<none>'],
    ['Endpoints (ready)', addressLines(endpoints, 'addresses')],
    ['Endpoints (not ready)', addressLines(endpoints, 'notReadyAddresses')],
    ['Conditions', conditions.map((c) => `${c.type}=${c.status}${c.message !== undefined ? `: ${c.message}` : ''}`).join('\n') || '<none>'],
  ])
}

type EventDescribed = ApiObject & { type?: string; reason?: string; message?: string; count?: number; involvedObject?: { kind?: string; name?: string }; source?: { component?: string; host?: string } }

function event(out: DescribeText, e: EventDescribed): void {
  out.fields([
    ['Type', e.type ?? 'Normal'],
    ['Reason', e.reason],
    ['Object', `${e.involvedObject?.kind ?? ''}/${e.involvedObject?.name ?? ''}`],
    ['Message', e.message],
    ['Count', e.count],
    ['Last Seen', eventTime(e)],
    ['Source', [e.source?.component, e.source?.host].filter((x) => x !== undefined).join(', ') || undefined],
  ])
}

/** Kind-specific sections; kinds without one show their spec and status as YAML. */
export function describeKind(out: DescribeText, plural: string, obj: ApiObject, related: { endpoints?: ApiObject } = {}): void {
  switch (plural) {
    case 'pods':
      return pod(out, obj as PodDescribed)
    case 'replicationcontrollers':
      return replicationController(out, obj as RcDescribed)
    case 'services':
      return service(out, obj as ServiceDescribed, related.endpoints as EndpointsDescribed | undefined)
    case 'events':
      return event(out, obj as EventDescribed)
    case 'namespaces':
      out.fields([['Status', (obj.status as { phase?: string } | undefined)?.phase ?? 'Active']])
      return
    default:
      out.yaml('Spec', obj.spec)
      out.yaml('Status', obj.status)
  }
}
