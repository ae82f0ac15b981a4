import { z } from 'zod'
import { labelMap, intOrPortName, portName, portNumber } from './names.js'
import { podSpecSchema, podTemplateSchema, requireAlwaysRestart } from './pod-schema.js'

const servicePort = z.looseObject({
  name: portName.optional(),
  port: portNumber,
  targetPort: intOrPortName.optional(),
  protocol: z.enum(['TCP']).optional(),
  nodePort: portNumber.optional(),
})

export const serviceSpecSchema = z
  .looseObject({
    selector: labelMap.optional(),
    ports: z.array(servicePort).min(1, 'Required value: at least one port'),
    type: z.enum(['ClusterIP', 'NodePort']).optional(),
  })
  .superRefine((spec, ctx) => {
    const names = new Set<string>()
    const ports = new Set<number>()
    for (const [i, p] of spec.ports.entries()) {
      if (spec.ports.length > 1 && p.name === undefined) {
        ctx.addIssue({ code: 'custom', path: ['ports', i, 'name'], message: 'Required value: a name is required when a service has several ports', params: { reason: 'FieldValueRequired' } })
      }
      if (p.name !== undefined) {
        if (names.has(p.name)) ctx.addIssue({ code: 'custom', path: ['ports', i, 'name'], message: `Duplicate value: "${p.name}"`, params: { reason: 'FieldValueDuplicate' } })
        names.add(p.name)
      }
      if (ports.has(p.port)) ctx.addIssue({ code: 'custom', path: ['ports', i, 'port'], message: `Duplicate value: ${p.port}`, params: { reason: 'FieldValueDuplicate' } })
      ports.add(p.port)
    }
  })

/** `spec.replicas` of a controller (and of a Scale): shoal's tested ceiling is far below this. */
export const replicaCount = z.number().int().min(0, 'must be greater than or equal to 0').max(10_000)

export const replicationControllerSpecSchema = z
  .looseObject({
    replicas: replicaCount.optional(),
    minReadySeconds: z.number().int().min(0).optional(),
    selector: labelMap.optional(),
    template: podTemplateSchema,
  })
  .superRefine((spec, ctx) => {
    const labels = spec.template.metadata?.labels ?? {}
    const selector = spec.selector ?? labels
    if (Object.keys(selector).length === 0) {
      ctx.addIssue({ code: 'custom', path: ['selector'], message: 'Required value: a selector (or template labels) is required', params: { reason: 'FieldValueRequired' } })
    }
    for (const [k, v] of Object.entries(selector)) {
      if (labels[k] !== v) {
        ctx.addIssue({ code: 'custom', path: ['template', 'metadata', 'labels'], message: `Invalid value: selector does not match template labels (${k}=${v})` })
        break
      }
    }
    requireAlwaysRestart(spec.template, ctx)
  })

const objectReference = z.looseObject({
  kind: z.string().optional(),
  namespace: z.string().optional(),
  name: z.string().optional(),
  uid: z.string().optional(),
  apiVersion: z.string().optional(),
  fieldPath: z.string().optional(),
})

/** Events have no spec: their fields sit at the top level, as in core/v1. */
export const eventFieldsSchema = z.looseObject({
  involvedObject: objectReference,
  reason: z.string().max(128).optional(),
  message: z.string().max(4096).optional(),
  type: z.enum(['Normal', 'Warning']).optional(),
  count: z.number().int().min(0).optional(),
  firstTimestamp: z.string().nullable().optional(),
  lastTimestamp: z.string().nullable().optional(),
  source: z.looseObject({ component: z.string().optional(), host: z.string().optional() }).optional(),
})

export const namespaceSpecSchema = z.looseObject({ finalizers: z.array(z.string()).optional() })

export { podSpecSchema }
