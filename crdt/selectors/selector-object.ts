import { SelectorParseError } from '../errors.js'
import type { Operator, Requirement } from './label-selector.js'
import { LabelSelector } from './label-selector.js'
import { labelKeyError, labelValueError } from './label-syntax.js'

/** The structured selector of Deployments and Services' newer cousins (metav1.LabelSelector). */
export interface LabelSelectorObject {
  matchLabels?: Record<string, string>
  matchExpressions?: { key: string; operator: string; values?: string[] }[]
}

const EXPRESSION_OPERATORS: readonly Operator[] = ['In', 'NotIn', 'Exists', 'DoesNotExist']

function check(reason: string | undefined, field: string): void {
  if (reason !== undefined) throw new SelectorParseError(`${field}: ${reason}`, field, 0)
}

function equality(labels: Readonly<Record<string, string>>, field: string): Requirement[] {
  return Object.keys(labels)
    .sort()
    .map((key) => {
      check(labelKeyError(key), `${field}.${key}`)
      check(labelValueError(labels[key]!), `${field}.${key}`)
      return { key, operator: 'In' as const, values: [labels[key]!] }
    })
}

/**
 * A map selector (ReplicationController `spec.selector`, Service `spec.selector`): every label
 * must equal. An empty map matches everything, as in Kubernetes' SelectorFromSet; pass
 * `undefined` for "no selector" to get a selector that matches nothing.
 */
export function selectorFromSet(labels: Readonly<Record<string, string>> | undefined): LabelSelector {
  if (labels === undefined) return LabelSelector.nothing()
  return LabelSelector.of(equality(labels, 'selector'))
}

/** metav1.LabelSelector: matchLabels AND matchExpressions; undefined matches nothing. */
export function selectorFromObject(selector: LabelSelectorObject | undefined): LabelSelector {
  if (selector === undefined) return LabelSelector.nothing()
  const requirements = equality(selector.matchLabels ?? {}, 'matchLabels')
  selector.matchExpressions?.forEach((e, i) => {
    const field = `matchExpressions[${i}]`
    const operator = EXPRESSION_OPERATORS.find((op) => op === e.operator)
    check(operator === undefined ? `unknown operator "${e.operator}" (want In, NotIn, Exists or DoesNotExist)` : undefined, `${field}.operator`)
    check(labelKeyError(e.key), `${field}.key`)
    const values = e.values ?? []
    const needsValues = operator === 'In' || operator === 'NotIn'
    check(needsValues && values.length === 0 ? `operator ${operator} needs at least one value` : undefined, `${field}.values`)
    check(!needsValues && values.length > 0 ? `operator ${operator} takes no values` : undefined, `${field}.values`)
    values.forEach((v, j) => check(labelValueError(v), `${field}.values[${j}]`))
    requirements.push({ key: e.key, operator: operator!, values: [...new Set(values)].sort() })
  })
  return LabelSelector.of(requirements)
}
