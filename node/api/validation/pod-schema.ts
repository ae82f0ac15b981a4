import { z } from 'zod'
import { cpuToMillis, memoryToBytes } from '../../objects/quantity.js'
import { dns1123Label, envVarName, intOrPortName, labelMap, portName, portNumber } from './names.js'

const quantity = z.union([z.string(), z.number().nonnegative()])

const resourceList = z.looseObject({ cpu: quantity.optional(), memory: quantity.optional() }).superRefine((r, ctx) => {
  for (const [key, parse] of [
    ['cpu', cpuToMillis],
    ['memory', memoryToBytes],
  ] as const) {
    const v = r[key]
    if (v === undefined) continue
    try {
      parse(v)
    } catch (err) {
      ctx.addIssue({ code: 'custom', path: [key], message: `Invalid value: ${JSON.stringify(v)}: ${(err as Error).message}` })
    }
  }
})

const handlerFields = {
  httpGet: z
    .looseObject({
      path: z.string().optional(),
      port: intOrPortName,
      host: z.string().optional(),
      scheme: z.enum(['HTTP', 'HTTPS']).optional(),
      httpHeaders: z.array(z.object({ name: z.string().min(1), value: z.string() })).optional(),
    })
    .optional(),
  tcpSocket: z.looseObject({ port: intOrPortName, host: z.string().optional() }).optional(),
  exec: z.looseObject({ command: z.array(z.string()).min(1) }).optional(),
}

const probe = z
  .looseObject({
    ...handlerFields,
    initialDelaySeconds: z.number().int().min(0).optional(),
    periodSeconds: z.number().int().min(1).optional(),
    timeoutSeconds: z.number().int().min(1).optional(),
    successThreshold: z.number().int().min(1).optional(),
    failureThreshold: z.number().int().min(1).optional(),
  })
  .superRefine((p, ctx) => {
    const handlers = (['httpGet', 'tcpSocket', 'exec'] as const).filter((h) => p[h] !== undefined)
    if (handlers.length !== 1) {
      ctx.addIssue({ code: 'custom', message: `must specify exactly one handler (httpGet, tcpSocket or exec), got ${handlers.length}`, params: { reason: handlers.length === 0 ? 'FieldValueRequired' : 'FieldValueForbidden' } })
    }
  })

const containerPort = z.looseObject({
  name: portName.optional(),
  containerPort: portNumber,
  hostPort: portNumber.optional(),
  protocol: z.enum(['TCP', 'UDP']).optional(),
})

const envVar = z.looseObject({ name: envVarName, value: z.string().optional() })

const container = z
  .looseObject({
    name: dns1123Label,
    image: z.string().min(1).optional(),
    command: z.array(z.string()).optional(),
    args: z.array(z.string()).optional(),
    workingDir: z.string().optional(),
    env: z.array(envVar).optional(),
    ports: z.array(containerPort).optional(),
    resources: z.looseObject({ requests: resourceList.optional(), limits: resourceList.optional() }).optional(),
    livenessProbe: probe.optional(),
    readinessProbe: probe.optional(),
    startupProbe: probe.optional(),
  })
  .superRefine((c, ctx) => {
    if (c.image === undefined && (c.command === undefined || c.command.length === 0)) {
      ctx.addIssue({ code: 'custom', path: ['image'], message: 'Required value: a container needs an image (docker) or a command (process runtime)', params: { reason: 'FieldValueRequired' } })
    }
    if (c.livenessProbe?.successThreshold !== undefined && c.livenessProbe.successThreshold !== 1) {
      ctx.addIssue({ code: 'custom', path: ['livenessProbe', 'successThreshold'], message: 'Invalid value: must be 1' })
    }
    const names = new Set<string>()
    for (const [i, p] of (c.ports ?? []).entries()) {
      if (p.name === undefined) continue
      if (names.has(p.name)) ctx.addIssue({ code: 'custom', path: ['ports', i, 'name'], message: `Duplicate value: "${p.name}"`, params: { reason: 'FieldValueDuplicate' } })
      names.add(p.name)
    }
    for (const key of ['cpu', 'memory'] as const) {
      const req = c.resources?.requests?.[key]
      const lim = c.resources?.limits?.[key]
      if (req === undefined || lim === undefined) continue
      const parse = key === 'cpu' ? cpuToMillis : memoryToBytes
      try {
        if (parse(req) > parse(lim)) {
          ctx.addIssue({ code: 'custom', path: ['resources', 'requests', key], message: `Invalid value: ${JSON.stringify(req)}: must be less than or equal to ${key} limit ${JSON.stringify(lim)}` })
        }
      } catch {
        // malformed quantities are reported by resourceList
      }
    }
  })

export const podSpecSchema = z
  .looseObject({
    containers: z.array(container).min(1, 'Required value: at least one container'),
    restartPolicy: z.enum(['Always', 'OnFailure', 'Never']).optional(),
    nodeSelector: labelMap.optional(),
    nodeName: z.string().optional(),
    runtimeClassName: z.enum(['docker', 'process']).optional(),
    terminationGracePeriodSeconds: z.number().int().min(0).max(3600).optional(),
  })
  .superRefine((spec, ctx) => {
    const names = new Set<string>()
    const hostPorts = new Set<number>()
    for (const [i, c] of spec.containers.entries()) {
      if (names.has(c.name)) ctx.addIssue({ code: 'custom', path: ['containers', i, 'name'], message: `Duplicate value: "${c.name}"`, params: { reason: 'FieldValueDuplicate' } })
      names.add(c.name)
      if (spec.runtimeClassName === 'docker' && c.image === undefined) {
        ctx.addIssue({ code: 'custom', path: ['containers', i, 'image'], message: 'Required value: the docker runtime needs an image', params: { reason: 'FieldValueRequired' } })
      }
      for (const [j, p] of (c.ports ?? []).entries()) {
        if (p.hostPort === undefined) continue
        if (hostPorts.has(p.hostPort)) {
          ctx.addIssue({ code: 'custom', path: ['containers', i, 'ports', j, 'hostPort'], message: `Duplicate value: host port ${p.hostPort}`, params: { reason: 'FieldValueDuplicate' } })
        }
        hostPorts.add(p.hostPort)
      }
    }
  })

export type PodSpec = z.infer<typeof podSpecSchema>

export const podTemplateSchema = z.looseObject({
  metadata: z
    .looseObject({
      labels: labelMap.optional(),
      annotations: z.record(z.string(), z.string()).optional(),
      // Go clients (kubectl create, rollout undo) send the zero time as null.
      creationTimestamp: z.string().nullable().optional(),
    })
    .optional(),
  spec: podSpecSchema,
})

/**
 * A controller's replica that may finish would be replaced forever, so, as in Kubernetes, a
 * controller's template takes only restartPolicy Always.
 */
export function requireAlwaysRestart(template: { spec: { restartPolicy?: string | undefined } }, ctx: z.RefinementCtx): void {
  const policy = template.spec.restartPolicy
  if (policy !== undefined && policy !== 'Always') {
    ctx.addIssue({ code: 'custom', path: ['template', 'spec', 'restartPolicy'], message: `Unsupported value: "${policy}": supported values: "Always"`, params: { reason: 'FieldValueNotSupported' } })
  }
}
