import type { FastifyReply, FastifyRequest } from 'fastify'
import type { KubeObject, Preconditions } from '../../../../crdt/index.js'
import type { ResourceDef } from '../../resources/registry.js'
import { apiVersionOf } from '../../resources/registry.js'
import type { MethodHandlers } from '../../router.js'
import { tablePresenter } from '../../tables/kube-table.js'
import type { OpenWatches } from '../watch-response.js'
import { BadRequestError } from '../../errors.js'
import { fieldValidationOf, unknownFields } from '../../validation/unknown-fields.js'
import { bodyOf, listQueryOf, patchOf, queryParam } from './request-input.js'
import { withNameTerm } from './resource-paths.js'
import type { ListQuery } from './request-input.js'
import type { ResourceReader } from './resource-reader.js'
import type { ResourceWriter } from './resource-writer.js'

export interface ResourceParts {
  def: ResourceDef
  reader: ResourceReader
  writer: ResourceWriter
  watches: OpenWatches
}

/** The namespace and name in a route's URL (the namespace is absent for cluster-scoped URLs). */
export function target(req: FastifyRequest): { namespace: string | undefined; name: string } {
  const p = req.params as { namespace?: string; name?: string }
  return { namespace: p.namespace, name: p.name ?? '' }
}

async function listOrWatch(parts: ResourceParts, req: FastifyRequest, reply: FastifyReply, namespace: string | undefined, q: ListQuery): Promise<unknown> {
  const { def, reader, watches } = parts
  if (q.watch) {
    const events = reader.watch(namespace, q)
    await watches.stream(reply, events, { ...tablePresenter(req, def.plural), ...(q.timeoutSeconds !== undefined ? { timeoutSeconds: q.timeoutSeconds } : {}) })
    return reply
  }
  const { items, resourceVersion } = reader.list(namespace, q)
  return { kind: `${def.kind}List`, apiVersion: apiVersionOf(def), metadata: { resourceVersion }, items }
}

/**
 * Apply the request's `fieldValidation` policy to the fields shoal does not know: Strict refuses
 * the request before anything is written, Warn answers with a Warning header per field.
 */
function checkUnknownFields(def: ResourceDef, req: FastifyRequest, reply: FastifyReply, body: unknown): unknown {
  const given = queryParam(req, 'fieldValidation')
  const policy = fieldValidationOf(given)
  if (policy === undefined) throw new BadRequestError(`fieldValidation: unsupported value "${given}": supported values: "Strict", "Warn", "Ignore"`)
  if (policy === 'Ignore') return body
  const unknown = unknownFields(def, body)
  if (unknown.length === 0) return body
  if (policy === 'Strict') {
    const fields = unknown.map((f) => `unknown field "${f}"`).join(', ')
    throw new BadRequestError(`${def.kind} in version "${apiVersionOf(def)}" cannot be handled as a ${def.kind}: strict decoding error: ${fields}`)
  }
  reply.header('warning', unknown.map((f) => `299 - ${JSON.stringify(`unknown field "${f}"`)}`))
  return body
}

function preconditionsOf(req: FastifyRequest): Preconditions {
  const p = (bodyOf(req) as { preconditions?: { uid?: unknown; resourceVersion?: unknown } } | undefined)?.preconditions
  return {
    ...(typeof p?.uid === 'string' ? { expectedUid: p.uid } : {}),
    ...(typeof p?.resourceVersion === 'string' ? { expectedResourceVersion: p.resourceVersion } : {}),
  }
}

/** `GET` (list or watch) and `POST` on a collection: one namespace, or all for `allNamespaces`. */
export function collectionHandlers(parts: ResourceParts, allNamespaces: boolean): MethodHandlers {
  const handlers: MethodHandlers = {
    GET: async (req, reply) => listOrWatch(parts, req, reply, allNamespaces ? undefined : target(req).namespace, listQueryOf(req)),
  }
  if (parts.def.readOnly === true || (allNamespaces && parts.def.namespaced)) return handlers
  handlers.POST = async (req, reply): Promise<KubeObject> => {
    const created = await parts.writer.create(target(req).namespace, checkUnknownFields(parts.def, req, reply, bodyOf(req)))
    reply.code(201)
    return created
  }
  return handlers
}

/** `GET`, `PUT`, `PATCH`, `DELETE` of one object; `GET ?watch=true` watches just that object. */
export function itemHandlers(parts: ResourceParts): MethodHandlers {
  const { reader, writer } = parts
  const handlers: MethodHandlers = {
    GET: async (req, reply) => {
      const { namespace, name } = target(req)
      const q = listQueryOf(req)
      if (!q.watch) return reader.get(namespace, name)
      return listOrWatch(parts, req, reply, namespace, { ...q, fieldSelector: withNameTerm(name, q.fieldSelector) })
    },
  }
  if (parts.def.readOnly === true) return handlers
  handlers.PUT = async (req, reply) => writer.replace(target(req).namespace, target(req).name, checkUnknownFields(parts.def, req, reply, bodyOf(req)))
  handlers.PATCH = async (req, reply) => {
    const patch = patchOf(req)
    checkUnknownFields(parts.def, req, reply, patch.body)
    return writer.patch(target(req).namespace, target(req).name, patch)
  }
  handlers.DELETE = async (req) => writer.delete(target(req).namespace, target(req).name, preconditionsOf(req))
  return handlers
}
