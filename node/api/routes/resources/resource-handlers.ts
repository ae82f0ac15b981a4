import type { FastifyReply, FastifyRequest } from 'fastify'
import type { KubeObject, Preconditions } from '../../../../crdt/index.js'
import type { ResourceDef } from '../../resources/registry.js'
import { apiVersionOf } from '../../resources/registry.js'
import type { MethodHandlers } from '../../router.js'
import type { OpenWatches } from '../watch-response.js'
import { bodyOf, listQueryOf, mergePatchOf } from './request-input.js'
import { fieldTerm } from './resource-paths.js'
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

async function listOrWatch(parts: ResourceParts, reply: FastifyReply, namespace: string | undefined, q: ListQuery): Promise<unknown> {
  const { def, reader, watches } = parts
  if (q.watch) {
    const events = reader.watch(namespace, q)
    await watches.stream(reply, events, q.timeoutSeconds !== undefined ? { timeoutSeconds: q.timeoutSeconds } : {})
    return reply
  }
  const { items, resourceVersion } = reader.list(namespace, q)
  return { kind: `${def.kind}List`, apiVersion: apiVersionOf(def), metadata: { resourceVersion }, items }
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
    GET: async (req, reply) => listOrWatch(parts, reply, allNamespaces ? undefined : target(req).namespace, listQueryOf(req)),
  }
  if (parts.def.readOnly === true || (allNamespaces && parts.def.namespaced)) return handlers
  handlers.POST = async (req, reply): Promise<KubeObject> => {
    const created = await parts.writer.create(target(req).namespace, bodyOf(req))
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
      const byName = fieldTerm('metadata.name', name)
      return listOrWatch(parts, reply, namespace, { ...q, fieldSelector: q.fieldSelector ? `${byName},${q.fieldSelector}` : byName })
    },
  }
  if (parts.def.readOnly === true) return handlers
  handlers.PUT = async (req) => writer.replace(target(req).namespace, target(req).name, bodyOf(req))
  handlers.PATCH = async (req) => writer.patch(target(req).namespace, target(req).name, mergePatchOf(req))
  handlers.DELETE = async (req) => writer.delete(target(req).namespace, target(req).name, preconditionsOf(req))
  return handlers
}
