import type { DescribeText } from './describe-layout.js'
import { mapLines } from './describe-layout.js'

// Sections several kinds' descriptions share: containers, and a controller's pod template.

export interface ContainerSpec {
  name: string
  image?: string
  command?: string[]
  args?: string[]
  ports?: { name?: string; containerPort: number; hostPort?: number }[]
  env?: { name: string; value?: string }[]
  resources?: { requests?: Record<string, string | number>; limits?: Record<string, string | number> }
}

export interface ContainerStatus {
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

export function containers(out: DescribeText, specs: ContainerSpec[] | undefined, statuses: ContainerStatus[] | undefined, indent = 0): void {
  out.heading('Containers', indent)
  for (const c of specs ?? []) container(out, c, statuses?.find((s) => s.name === c.name), indent + 2)
}

export interface TemplateDescribed {
  metadata?: { labels?: Record<string, string> }
  spec?: { containers?: ContainerSpec[] }
}

/** A controller's pod template: its labels and containers. */
export function podTemplate(out: DescribeText, template: TemplateDescribed | undefined): void {
  out.heading('Pod Template')
  out.fields([['Labels', mapLines(template?.metadata?.labels)]], 2)
  containers(out, template?.spec?.containers, undefined, 2)
}

/** Replicas and Pods Status of a replica controller (RC, ReplicaSet). */
export function replicaCounts(o: { spec?: { replicas?: number }; status?: { replicas?: number; readyReplicas?: number; availableReplicas?: number } }): [string, string][] {
  return [
    ['Replicas', `${o.status?.replicas ?? 0} current / ${o.spec?.replicas ?? 1} desired`],
    ['Pods Status', `${o.status?.readyReplicas ?? 0} Ready / ${o.status?.availableReplicas ?? 0} Available`],
  ]
}
