import type { FastifyRequest } from 'fastify'
import { parse } from 'yaml'
import { BadRequestError, UnsupportedMediaTypeError } from '../../errors.js'

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

const MERGE_PATCH_TYPES = new Set([
  'application/merge-patch+json',
  // Strategic merge differs only for lists with merge keys; shoal treats it as a plain merge.
  'application/strategic-merge-patch+json',
  // Server-side apply without field management is a merge of the applied fields.
  'application/apply-patch+yaml',
  'application/json',
  'application/yaml',
  'text/yaml',
])

/** The merge patch a PATCH carries; JSON patch (RFC 6902) is refused with 415. */
export function mergePatchOf(req: FastifyRequest): Record<string, unknown> {
  const type = (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase()
  if (!MERGE_PATCH_TYPES.has(type)) {
    throw new UnsupportedMediaTypeError(`unsupported patch type "${type}": send application/merge-patch+json or application/strategic-merge-patch+json`)
  }
  const patch = bodyOf(req)
  if (typeof patch !== 'object' || patch === null || Array.isArray(patch)) throw new BadRequestError('a merge patch must be a JSON or YAML object')
  return patch as Record<string, unknown>
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
