import type { LabelSelectorObject } from '../../crdt/index.js'
import { labelSelectorString } from '../../node/api/tables/apps-printers.js'
import { revisionOf } from '../../node/controllers/index.js'
import type { ApiObject } from '../output/api-object.js'
import type { TemplateDescribed } from './describe-containers.js'
import { podTemplate, replicaCounts } from './describe-containers.js'
import type { DescribeText } from './describe-layout.js'

type ReplicaSetDescribed = ApiObject & {
  spec?: { replicas?: number; selector?: LabelSelectorObject; template?: TemplateDescribed }
  status?: { replicas?: number; readyReplicas?: number; availableReplicas?: number }
}

type DeploymentDescribed = ApiObject & {
  spec?: {
    replicas?: number
    selector?: LabelSelectorObject
    template?: TemplateDescribed
    strategy?: { type?: string; rollingUpdate?: { maxSurge?: number | string; maxUnavailable?: number | string } }
    minReadySeconds?: number
    paused?: boolean
  }
  status?: { replicas?: number; updatedReplicas?: number; availableReplicas?: number; unavailableReplicas?: number; conditions?: { type: string; status: string; reason?: string }[] }
}

export function describeReplicaSet(out: DescribeText, obj: ApiObject): void {
  const rs = obj as ReplicaSetDescribed
  out.fields([['Selector', labelSelectorString(rs.spec?.selector)], ...replicaCounts(rs)])
  podTemplate(out, rs.spec?.template)
}

/** `web-5d7f8b9c6 (4/4 replicas created)`, as kubectl names a Deployment's ReplicaSets. */
function replicaSetLine(rs: ReplicaSetDescribed): string {
  return `${rs.metadata.name} (${rs.status?.replicas ?? 0}/${rs.spec?.replicas ?? 1} replicas created)`
}

/**
 * As `kubectl describe deployment`: sizes, strategy, template, conditions, and which of its
 * ReplicaSets is the new one (the highest revision) and which old ones still have pods.
 */
export function describeDeployment(out: DescribeText, obj: ApiObject, replicaSets: readonly ApiObject[]): void {
  const d = obj as DeploymentDescribed
  const s = d.status
  const rolling = d.spec?.strategy?.rollingUpdate
  out.fields([
    ['Selector', labelSelectorString(d.spec?.selector)],
    ['Replicas', `${d.spec?.replicas ?? 1} desired | ${s?.updatedReplicas ?? 0} updated | ${s?.replicas ?? 0} total | ${s?.availableReplicas ?? 0} available | ${s?.unavailableReplicas ?? 0} unavailable`],
    ['StrategyType', d.spec?.strategy?.type ?? 'RollingUpdate'],
    ['MinReadySeconds', d.spec?.minReadySeconds ?? 0],
    ['RollingUpdateStrategy', rolling === undefined ? undefined : `${rolling.maxUnavailable ?? '25%'} max unavailable, ${rolling.maxSurge ?? '25%'} max surge`],
    ['Paused', d.spec?.paused === true ? 'true' : undefined],
  ])
  podTemplate(out, d.spec?.template)
  out.table('Conditions', ['Type', 'Status', 'Reason'], (s?.conditions ?? []).map((c) => [c.type, c.status, c.reason ?? '']))
  const sorted = [...(replicaSets as ReplicaSetDescribed[])].sort((a, b) => revisionOf(b.metadata) - revisionOf(a.metadata))
  const [newest, ...older] = sorted
  const oldWithPods = older.filter((rs) => (rs.spec?.replicas ?? 1) > 0 || (rs.status?.replicas ?? 0) > 0)
  out.fields([
    ['OldReplicaSets', oldWithPods.map(replicaSetLine).join(', ') || '<none>'],
    ['NewReplicaSet', newest === undefined ? '<none>' : replicaSetLine(newest)],
  ])
}
