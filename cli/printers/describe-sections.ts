import type { ApiObject } from '../output/api-object.js'
import type { DescribeText } from './describe-layout.js'
import { mapLines } from './describe-layout.js'
import { labelString } from '../../node/api/tables/cells.js'
import type { PodView } from '../../node/api/tables/pod-printer.js'
import { podStatus } from '../../node/api/tables/pod-printer.js'
import { eventTime } from '../../node/api/tables/workload-printers.js'
import { describeDeployment, describeReplicaSet } from './describe-apps.js'
import type { ContainerSpec, ContainerStatus, TemplateDescribed } from './describe-containers.js'
import { containers, podTemplate, replicaCounts } from './describe-containers.js'

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
  spec?: { replicas?: number; selector?: Record<string, string>; template?: TemplateDescribed }
  status?: { replicas?: number; readyReplicas?: number; availableReplicas?: number }
}

function replicationController(out: DescribeText, rc: RcDescribed): void {
  out.fields([['Selector', labelString(rc.spec?.selector)], ...replicaCounts(rc)])
  podTemplate(out, rc.spec?.template)
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
export function describeKind(out: DescribeText, plural: string, obj: ApiObject, related: { endpoints?: ApiObject; replicaSets?: readonly ApiObject[] } = {}): void {
  switch (plural) {
    case 'pods':
      return pod(out, obj as PodDescribed)
    case 'replicationcontrollers':
      return replicationController(out, obj as RcDescribed)
    case 'replicasets':
      return describeReplicaSet(out, obj)
    case 'deployments':
      return describeDeployment(out, obj, related.replicaSets ?? [])
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
