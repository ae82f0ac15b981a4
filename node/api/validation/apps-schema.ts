import { z } from 'zod'
import type { LabelSelectorObject } from '../../../crdt/index.js'
import { SelectorParseError, selectorFromObject } from '../../../crdt/index.js'
import { DEFAULT_MAX_SURGE, DEFAULT_MAX_UNAVAILABLE, DEFAULT_PROGRESS_DEADLINE_SECONDS, DEFAULT_REVISION_HISTORY_LIMIT, PERCENT, scaledValue } from '../../controllers/index.js'
import { replicaCount } from './kinds-schema.js'
import { labelMap } from './names.js'
import { podTemplateSchema, requireAlwaysRestart } from './pod-schema.js'

// apps/v1 ReplicaSet and Deployment specs, with Kubernetes' rules and, for Deployments, its
// defaults (so `get -o yaml` shows the strategy that applies, as users know it from Kubernetes).

const requirement = z.looseObject({
  key: z.string().min(1),
  operator: z.enum(['In', 'NotIn', 'Exists', 'DoesNotExist']),
  values: z.array(z.string()).optional(),
})

/** metav1.LabelSelector: matchLabels AND matchExpressions. */
const labelSelectorSchema = z.looseObject({ matchLabels: labelMap.optional(), matchExpressions: z.array(requirement).optional() })

interface SelectedTemplate {
  selector: LabelSelectorObject
  template: { metadata?: { labels?: Record<string, string> | undefined } | undefined; spec: { restartPolicy?: string | undefined } }
}

/**
 * The selector is required, not empty (it would claim every pod of the namespace), well formed,
 * and matches the template's labels (else the controller would disown every pod it creates).
 */
function refineSelectedTemplate(spec: SelectedTemplate, ctx: z.RefinementCtx): void {
  const { matchLabels = {}, matchExpressions = [] } = spec.selector
  if (Object.keys(matchLabels).length === 0 && matchExpressions.length === 0) {
    ctx.addIssue({ code: 'custom', path: ['selector'], message: 'Invalid value: {}: empty selector is invalid', params: { reason: 'FieldValueInvalid' } })
  } else {
    try {
      if (!selectorFromObject(spec.selector).matches(spec.template.metadata?.labels)) {
        ctx.addIssue({ code: 'custom', path: ['template', 'metadata', 'labels'], message: 'Invalid value: `selector` does not match template `labels`' })
      }
    } catch (err) {
      if (!(err instanceof SelectorParseError)) throw err
      // selectorFromObject names the field at fault (`matchExpressions[0].values`) as its input.
      ctx.addIssue({ code: 'custom', path: ['selector', err.input], message: `Invalid value: ${err.reason}` })
    }
  }
  requireAlwaysRestart(spec.template, ctx)
}

export const replicaSetSpecSchema = z
  .looseObject({
    replicas: replicaCount.optional(),
    minReadySeconds: z.number().int().min(0).optional(),
    selector: labelSelectorSchema,
    template: podTemplateSchema,
  })
  .superRefine(refineSelectedTemplate)

/** An int or a percentage such as `25%`, as maxSurge and maxUnavailable take. */
const intOrPercent = z.union([z.number().int().min(0, 'must be greater than or equal to 0'), z.string().regex(PERCENT, "a valid percent string must be a numeric string followed by an ending '%'")])

const strategySchema = z.looseObject({
  type: z.enum(['RollingUpdate', 'Recreate']).optional(),
  rollingUpdate: z.looseObject({ maxSurge: intOrPercent.optional(), maxUnavailable: intOrPercent.optional() }).optional(),
})

type Strategy = z.infer<typeof strategySchema>

/** The number in a well-formed percentage (`25%` → 25, its share of 100); undefined for anything else. */
const percentOf = (v: number | string | undefined): number | undefined => (typeof v === 'string' && PERCENT.test(v) ? scaledValue(v, 100, false) : undefined)

const isZero = (v: number | string | undefined): boolean => v === 0 || percentOf(v) === 0

function refineStrategy(strategy: Strategy | undefined, ctx: z.RefinementCtx): void {
  if (strategy?.type === 'Recreate') {
    if (strategy.rollingUpdate !== undefined) {
      ctx.addIssue({ code: 'custom', path: ['strategy', 'rollingUpdate'], message: "Forbidden: may not be specified when strategy `type` is 'Recreate'", params: { reason: 'FieldValueForbidden' } })
    }
    return
  }
  const { maxSurge = DEFAULT_MAX_SURGE, maxUnavailable = DEFAULT_MAX_UNAVAILABLE } = strategy?.rollingUpdate ?? {}
  const path = ['strategy', 'rollingUpdate', 'maxUnavailable']
  if (isZero(maxSurge) && isZero(maxUnavailable)) ctx.addIssue({ code: 'custom', path, message: 'Invalid value: 0: may not be 0 when `maxSurge` is 0' })
  if ((percentOf(maxUnavailable) ?? 0) > 100) {
    ctx.addIssue({ code: 'custom', path, message: `Invalid value: "${maxUnavailable}": must not be greater than 100%` })
  }
}

/** Kubernetes' defaults for what the client left out. */
function withDefaults<S extends { replicas?: number | undefined; strategy?: Strategy | undefined; revisionHistoryLimit?: number | undefined; progressDeadlineSeconds?: number | undefined }>(spec: S): S {
  const strategy = spec.strategy ?? {}
  const type = strategy.type ?? 'RollingUpdate'
  return {
    ...spec,
    replicas: spec.replicas ?? 1,
    strategy:
      type === 'Recreate'
        ? { ...strategy, type }
        : { ...strategy, type, rollingUpdate: { maxSurge: DEFAULT_MAX_SURGE, maxUnavailable: DEFAULT_MAX_UNAVAILABLE, ...strategy.rollingUpdate } },
    revisionHistoryLimit: spec.revisionHistoryLimit ?? DEFAULT_REVISION_HISTORY_LIMIT,
    progressDeadlineSeconds: spec.progressDeadlineSeconds ?? DEFAULT_PROGRESS_DEADLINE_SECONDS,
  }
}

export const deploymentSpecSchema = z
  .looseObject({
    replicas: replicaCount.optional(),
    selector: labelSelectorSchema,
    template: podTemplateSchema,
    strategy: strategySchema.optional(),
    minReadySeconds: z.number().int().min(0).optional(),
    revisionHistoryLimit: z.number().int().min(0).optional(),
    paused: z.boolean().optional(),
    progressDeadlineSeconds: z.number().int().min(1).optional(),
  })
  .superRefine((spec, ctx) => {
    refineSelectedTemplate(spec, ctx)
    refineStrategy(spec.strategy, ctx)
    const deadline = spec.progressDeadlineSeconds ?? DEFAULT_PROGRESS_DEADLINE_SECONDS
    if (deadline <= (spec.minReadySeconds ?? 0)) {
      ctx.addIssue({ code: 'custom', path: ['progressDeadlineSeconds'], message: `Invalid value: ${deadline}: must be greater than minReadySeconds` })
    }
  })
  .transform(withDefaults)
