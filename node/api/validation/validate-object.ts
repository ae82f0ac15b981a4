import { randomBytes } from 'node:crypto'
import { SAFE_ALPHABET as GENERATED_SUFFIX } from '../../controllers/pod-template-hash.js'
import { BadRequestError } from '../errors.js'
import type { ResourceDef } from '../resources/registry.js'
import { apiVersionOf } from '../resources/registry.js'
import type { FieldError } from './field-error.js'
import { invalidObject } from './field-error.js'
import { metadataSchema } from './metadata-schema.js'
import { dns1123Label } from './names.js'
import { causesFromZod } from './zod-causes.js'

export interface KubeObject {
  apiVersion: string
  kind: string
  metadata: Record<string, unknown> & { name: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string> }
  spec?: unknown
  status?: unknown
  [field: string]: unknown
}

export interface ValidationContext {
  operation: 'create' | 'update'
  /** Namespace from the URL, for namespaced kinds. */
  namespace?: string
  /** Name from the URL, on update. */
  name?: string
}

/** Kubernetes' generateName suffix: five characters that avoid vowels (no accidental words). */
export function randomSuffix(length = 5): string {
  const bytes = randomBytes(length)
  return Array.from(bytes, (b) => GENERATED_SUFFIX[b % GENERATED_SUFFIX.length]).join('')
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v)
}

/**
 * Validate a client's object at the API edge and return it normalized (kind, apiVersion and
 * namespace filled in, status dropped). Every problem is collected, so one 422 lists all fields
 * at fault; nothing is written unless this returns.
 */
export function validateObject(def: ResourceDef, body: unknown, ctx: ValidationContext): KubeObject {
  if (!isPlainObject(body)) throw new BadRequestError(`the request body must be a JSON or YAML object describing a ${def.kind}`)
  const errors: FieldError[] = []
  const apiVersion = apiVersionOf(def)
  if (body['apiVersion'] !== undefined && body['apiVersion'] !== apiVersion) {
    errors.push({ field: 'apiVersion', reason: 'FieldValueInvalid', message: `Invalid value: ${JSON.stringify(body['apiVersion'])}: must be "${apiVersion}"` })
  }
  if (body['kind'] !== undefined && body['kind'] !== def.kind) {
    errors.push({ field: 'kind', reason: 'FieldValueInvalid', message: `Invalid value: ${JSON.stringify(body['kind'])}: must be "${def.kind}"` })
  }
  const meta = metadataSchema.safeParse(body['metadata'] ?? {}, { reportInput: true })
  const metadata: Record<string, unknown> = meta.success ? { ...meta.data } : {}
  if (!meta.success) errors.push(...causesFromZod(meta.error, ['metadata']))

  // Even when metadata failed validation, name the object by what the client sent: the message
  // should say `Pod "Bad_Name" is invalid`, with the name's own cause, not "name is required".
  const rawMeta = isPlainObject(body['metadata']) ? body['metadata'] : {}
  let name = typeof metadata['name'] === 'string' ? metadata['name'] : typeof rawMeta['name'] === 'string' ? rawMeta['name'] : undefined
  if (name === undefined && ctx.operation === 'create' && typeof metadata['generateName'] === 'string') {
    name = `${metadata['generateName']}${randomSuffix()}`
  }
  if (name === undefined) {
    if (ctx.operation === 'update' && ctx.name !== undefined) name = ctx.name
    else errors.push({ field: 'metadata.name', reason: 'FieldValueRequired', message: 'Required value: name or generateName is required' })
  }
  if (ctx.operation === 'update' && ctx.name !== undefined && name !== undefined && name !== ctx.name) {
    errors.push({ field: 'metadata.name', reason: 'FieldValueInvalid', message: `Invalid value: "${name}": does not match the name in the URL ("${ctx.name}")` })
  }
  if (def.kind === 'Namespace' && name !== undefined) {
    const r = dns1123Label.safeParse(name)
    if (!r.success) errors.push(...causesFromZod(r.error, ['metadata', 'name']))
  }
  if (def.namespaced) {
    const given = metadata['namespace']
    if (given !== undefined && ctx.namespace !== undefined && given !== ctx.namespace) {
      errors.push({ field: 'metadata.namespace', reason: 'FieldValueInvalid', message: `Invalid value: "${String(given)}": does not match the namespace in the URL ("${ctx.namespace}")` })
    }
    metadata['namespace'] = ctx.namespace ?? given ?? 'default'
  } else delete metadata['namespace']

  const out: KubeObject = { ...body, apiVersion, kind: def.kind, metadata: { ...metadata, name: name ?? '' } }
  delete out.status
  if (def.spec !== undefined) {
    const spec = def.spec.safeParse(body['spec'] ?? (def.kind === 'Namespace' ? {} : undefined), { reportInput: true })
    if (spec.success) out.spec = spec.data
    else errors.push(...causesFromZod(spec.error, ['spec']))
  }
  if (def.fields !== undefined) {
    const fields = def.fields.safeParse(body, { reportInput: true })
    if (!fields.success) errors.push(...causesFromZod(fields.error))
  }
  if (errors.length > 0) throw invalidObject(def.kind, name ?? '', errors)
  return out
}
