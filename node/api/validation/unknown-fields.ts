import { z } from 'zod'
import { isJsonObject } from '../../../crdt/model/json.js'
import type { ResourceDef } from '../resources/registry.js'
import { metadataSchema } from './metadata-schema.js'

/**
 * Fields a client sent that shoal does not know. The schemas let unknown fields through (a
 * manifest written for Kubernetes still applies), so they are found here instead, for the
 * `fieldValidation` query parameter: `Strict` refuses them, `Warn` names them in a `Warning`
 * header, `Ignore` says nothing. Knowing that shoal ignores `securityContext` matters.
 */

interface Schema {
  type?: string | string[]
  properties?: Record<string, Schema>
  additionalProperties?: Schema | boolean
  items?: Schema
  anyOf?: Schema[]
  oneOf?: Schema[]
}

const cache = new WeakMap<ResourceDef, Schema>()

function jsonSchema(type: z.ZodType): Schema {
  return z.toJSONSchema(type, { unrepresentable: 'any', io: 'input' }) as Schema
}

function schemaOf(def: ResourceDef): Schema {
  let schema = cache.get(def)
  if (schema === undefined) {
    const top = def.fields !== undefined ? jsonSchema(def.fields) : { type: 'object', properties: {} }
    schema = {
      type: 'object',
      properties: {
        ...top.properties,
        apiVersion: { type: 'string' },
        kind: { type: 'string' },
        metadata: jsonSchema(metadataSchema),
        ...(def.spec !== undefined ? { spec: jsonSchema(def.spec) } : {}),
        // Written by the agents; a client's status is not read, so it is not judged either.
        status: {},
      },
    }
    cache.set(def, schema)
  }
  return schema
}

function isMap(s: Schema | boolean | undefined): s is Schema {
  return typeof s === 'object' && Object.keys(s).length > 0
}

function walk(value: unknown, schema: Schema, path: string, out: string[]): void {
  const alternatives = schema.anyOf ?? schema.oneOf
  if (alternatives !== undefined) {
    const fit = alternatives.find((a) => (isJsonObject(value) ? a.properties !== undefined || isMap(a.additionalProperties) : Array.isArray(value) ? a.items !== undefined : false))
    if (fit !== undefined) walk(value, fit, path, out)
    return
  }
  if (Array.isArray(value)) {
    if (schema.items !== undefined) value.forEach((v, i) => walk(v, schema.items!, `${path}[${i}]`, out))
    return
  }
  if (!isJsonObject(value)) return
  for (const [key, v] of Object.entries(value)) {
    // Strategic merge patch directives ($patch, $setElementOrder/…) are not fields.
    if (key.startsWith('$')) continue
    const field = path === '' ? key : `${path}.${key}`
    const known = schema.properties?.[key]
    if (known !== undefined) walk(v, known, field, out)
    else if (schema.properties === undefined && isMap(schema.additionalProperties)) walk(v, schema.additionalProperties, field, out)
    else if (schema.properties !== undefined || schema.additionalProperties !== undefined) out.push(field)
  }
}

/** The paths (`spec.containers[0].securityContext`) of fields in `body` that shoal does not know. */
export function unknownFields(def: ResourceDef, body: unknown): string[] {
  const out: string[] = []
  walk(body, schemaOf(def), '', out)
  return out
}

export type FieldValidation = 'Strict' | 'Warn' | 'Ignore'

/** Kubernetes' default when a client names no policy is Warn. */
export function fieldValidationOf(value: string | undefined): FieldValidation | undefined {
  if (value === undefined || value === '') return 'Warn'
  return value === 'Strict' || value === 'Warn' || value === 'Ignore' ? value : undefined
}
