import type { LinkGater } from '../../p2p/link-gater.js'
import type { Host } from '../../p2p/host.js'
import { BadRequestError } from '../errors.js'
import type { RouteModule } from '../router.js'
import { mount } from '../router.js'

/**
 * Fault injection for multi-process tests and the chaos suite: cut and heal this node's links to
 * chosen peers with real libp2p connections. Mounted only with --test-hooks, and still behind the
 * bearer token.
 */
export function testHookRoutes(components: { gater: LinkGater; host: Host }): RouteModule {
  return {
    register(app) {
      mount(app, '/shoal/v1/debug/links', {
        GET: async () => ({ blocked: components.gater.list() }),
        PUT: async (req) => {
          const body = req.body as { blocked?: unknown }
          if (!Array.isArray(body?.blocked) || !body.blocked.every((p) => typeof p === 'string')) {
            throw new BadRequestError('expected {"blocked": [peerId, ...]}')
          }
          const blocked = body.blocked as string[]
          components.gater.clear()
          for (const p of blocked) components.gater.block(p)
          await Promise.all(
            components.host
              .getConnections()
              .filter((c) => blocked.includes(c.remotePeer.toString()))
              .map((c) => c.close().catch(() => c.abort(new Error('link cut')))),
          )
          return { blocked: components.gater.list() }
        },
      })
    },
  }
}
