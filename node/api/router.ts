import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { MethodNotAllowedError } from './errors.js'

export type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE'

export type Handler = (req: FastifyRequest, reply: FastifyReply) => Promise<unknown>

export type MethodHandlers = Partial<Record<Method, Handler>>

const ALL: Method[] = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE']

/**
 * Mounts one path for every method so an unsupported verb on a known path answers 405 with a
 * Status (fastify alone would say 404, which misleads clients about the resource's existence).
 */
export function mount(app: FastifyInstance, url: string, handlers: MethodHandlers): void {
  app.route({
    method: [...ALL, 'HEAD'],
    url,
    handler: async (req, reply) => {
      const method = (req.method === 'HEAD' ? 'GET' : req.method) as Method
      const handler = handlers[method]
      if (handler === undefined) {
        const allowed = Object.keys(handlers).join(', ')
        reply.header('allow', allowed)
        throw new MethodNotAllowedError(`${req.method} is not supported on ${url}; allowed: ${allowed}`)
      }
      return handler(req, reply)
    },
  })
}

/** A group of routes registered together (one file per resource family). */
export interface RouteModule {
  register(app: FastifyInstance): void
}
