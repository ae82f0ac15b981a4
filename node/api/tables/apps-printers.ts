import type { LabelSelectorObject } from '../../../crdt/index.js'
import { selectorFromObject } from '../../../crdt/index.js'
import { age } from './cells.js'
import type { ApiObject, Printer } from './printer.js'
import type { TemplateView } from './workload-printers.js'
import { REPLICA_HEADERS, replicaRow, TEMPLATE_WIDE_HEADERS, templateColumns } from './workload-printers.js'

/** A LabelSelector as kubectl prints it (`app=web,tier in (a,b)`); a malformed one as `<invalid>`, since printing must not fail. */
export function labelSelectorString(selector: LabelSelectorObject | undefined): string {
  if (selector === undefined) return '<none>'
  try {
    return selectorFromObject(selector).toString() || '<none>'
  } catch {
    return '<invalid>'
  }
}

interface AppsView extends ApiObject {
  spec?: { replicas?: number; selector?: LabelSelectorObject; template?: TemplateView }
  status?: { replicas?: number; updatedReplicas?: number; readyReplicas?: number; availableReplicas?: number }
}

const wideRow = (o: AppsView): string[] => templateColumns(o.spec?.template, labelSelectorString(o.spec?.selector))

/** As kubectl: READY is ready pods over desired, UP-TO-DATE pods of the current template. */
export const deploymentPrinter: Printer<AppsView> = {
  headers: ['NAME', 'READY', 'UP-TO-DATE', 'AVAILABLE', 'AGE'],
  row: (d, now) => [
    d.metadata.name,
    `${d.status?.readyReplicas ?? 0}/${d.spec?.replicas ?? 1}`,
    String(d.status?.updatedReplicas ?? 0),
    String(d.status?.availableReplicas ?? 0),
    age(d.metadata.creationTimestamp, now),
  ],
  wideHeaders: TEMPLATE_WIDE_HEADERS,
  wideRow,
}

export const replicaSetPrinter: Printer<AppsView> = {
  headers: REPLICA_HEADERS,
  row: replicaRow,
  wideHeaders: TEMPLATE_WIDE_HEADERS,
  wideRow,
}
