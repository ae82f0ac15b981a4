import type { FastifyRequest } from 'fastify'
import { parse } from 'yaml'
import type { JsonValue } from '../../../../crdt/index.js'
import { applyMergePatch } from '../../../../crdt/index.js'
import { BadRequestError, UnsupportedMediaTypeError } from '../../errors.js'
import { applyJsonPatch, checkJsonPatch } from '../../patch/json-patch.js'
import { applyStrategicMergePatch } from '../../patch/strategic-merge-patch.js'

/** The request body as a value: JSON arrives parsed, YAML arrives as text and is parsed here. */
export function bodyOf(req: FastifyRequest): unknown {
  const body: unknown = req.body
  if (typeof body !== 'string') return body
  try {
    return parse(body, { maxAliasCount: 100 }) as unknown
  } catch (err) {
    throw new BadRequestError(`malformed YAML body: ${(err as Error).message.split('\n')[0]}`)
  }
}

interface PatchKind {
  /** Throws a 400 for a body this kind of patch cannot be, before the object is read. */
  check(patch: unknown): void
  apply(target: JsonValue | undefined, patch: JsonValue): JsonValue
}

const mergeDocument = (apply: PatchKind['apply']): PatchKind => ({
  check: (patch) => {
    if (typeof patch !== 'object' || patch === null || Array.isArray(patch)) throw new BadRequestError('a merge patch must be a JSON or YAML object')
  },
  apply,
})

const jsonPatch: PatchKind = { check: checkJsonPatch, apply: applyJsonPatch }

const PATCH_TYPES: ReadonlyMap<string, PatchKind> = new Map([
  ['application/merge-patch+json', mergeDocument(applyMergePatch)],
  ['application/strategic-merge-patch+json', mergeDocument(applyStrategicMergePatch)],
  ['application/json-patch+json', jsonPatch],
  // Server-side apply without field management is a merge of the applied fields.
  ['application/apply-patch+yaml', mergeDocument(applyMergePatch)],
  ['application/json', mergeDocument(applyMergePatch)],
  ['application/yaml', mergeDocument(applyMergePatch)],
  ['text/yaml', mergeDocument(applyMergePatch)],
])

/** A PATCH's body and how it applies to the stored object, by its content type. */
export interface RequestPatch {
  body: unknown
  apply(target: JsonValue | undefined): JsonValue
}

/** The patch a PATCH carries: a merge, strategic merge or JSON patch, by its content type. */
export function patchOf(req: FastifyRequest): RequestPatch {
  const type = (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase()
  const kind = PATCH_TYPES.get(type)
  if (kind === undefined) {
    throw new UnsupportedMediaTypeError(`unsupported patch type "${type}": send application/merge-patch+json, application/strategic-merge-patch+json or application/json-patch+json`)
  }
  const body = bodyOf(req)
  kind.check(body)
  return { body, apply: (target) => kind.apply(target, body as JsonValue) }
}

/** A query parameter's value (the last one when repeated). */
export function queryParam(req: FastifyRequest, name: string): string | undefined {
  const value = (req.query as Record<string, string | string[] | undefined>)[name]
  return Array.isArray(value) ? value[value.length - 1] : value
}

export interface ListQuery {
  labelSelector?: string
  fieldSelector?: string
  watch: boolean
  resourceVersion?: string
  timeoutSeconds?: number
}

const TRUE = new Set(['true', '1'])

/** The list and watch parameters Kubernetes clients send; paging (`limit`) is accepted and ignored. */
export function listQueryOf(req: FastifyRequest): ListQuery {
  const q: ListQuery = { watch: TRUE.has(queryParam(req, 'watch') ?? '') }
  const labelSelector = queryParam(req, 'labelSelector')
  const fieldSelector = queryParam(req, 'fieldSelector')
  const resourceVersion = queryParam(req, 'resourceVersion')
  const timeout = queryParam(req, 'timeoutSeconds')
  if (labelSelector !== undefined) q.labelSelector = labelSelector
  if (fieldSelector !== undefined) q.fieldSelector = fieldSelector
  if (resourceVersion !== undefined) q.resourceVersion = resourceVersion
  if (timeout !== undefined) {
    if (!/^\d{1,9}$/.test(timeout)) throw new BadRequestError(`timeoutSeconds: expected a non-negative integer, got "${timeout}"`)
    q.timeoutSeconds = Number(timeout)
  }
  return q
}
