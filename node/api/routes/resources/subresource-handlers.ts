import type { JsonValue } from '../../../../crdt/index.js'
import type { MethodHandlers } from '../../router.js'
import { BadRequestError } from '../../errors.js'
import { bodyOf, patchOf } from './request-input.js'
import type { ResourceParts } from './resource-handlers.js'
import { target } from './resource-handlers.js'
import { resourceVersionOf } from './resource-writer.js'
import { replicasOf, toScale, withReplicas } from './scale.js'


/** `…/NAME/scale` as an autoscaling/v1 Scale: reads `spec.replicas`, writes only it. */
export function scaleHandlers(parts: ResourceParts): MethodHandlers {
  const { reader, writer } = parts
  return {
    GET: async (req) => toScale(reader.get(target(req).namespace, target(req).name)),
    PUT: async (req) => {
      const { namespace, name } = target(req)
      const body = bodyOf(req)
      const replicas = replicasOf(body, name)
      return toScale(await writer.update(namespace, name, resourceVersionOf(body), (current) => withReplicas(current, replicas)))
    },
    PATCH: async (req) => {
      const { namespace, name } = target(req)
      const patch = patchOf(req)
      const scale = toScale(reader.stored(namespace, name))
      const replicas = replicasOf(patch.apply(scale as unknown as JsonValue), name)
      return toScale(await writer.update(namespace, name, resourceVersionOf(patch.body), (current) => withReplicas(current, replicas)))
    },
  }
}

/** `…/NAME/status`, for clients that own an object's status; the rest of the object is untouched. */
export function statusHandlers(parts: ResourceParts): MethodHandlers {
  const { reader, writer } = parts
  return {
    GET: async (req) => reader.get(target(req).namespace, target(req).name),
    PUT: async (req) => {
      const { namespace, name } = target(req)
      const body = bodyOf(req)
      if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new BadRequestError('the request body must be an object with a status')
      const given = body as Record<string, unknown>
      return writer.updateStatus(namespace, name, given, () => given['status'])
    },
    PATCH: async (req) => {
      const patch = patchOf(req)
      return writer.updateStatus(target(req).namespace, target(req).name, patch.body, (current) => (patch.apply(current as unknown as JsonValue) as { status?: unknown }).status)
    },
  }
}
