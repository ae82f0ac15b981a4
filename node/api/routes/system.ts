import type { Registry } from 'prom-client'
import { SHOAL_VERSION } from '../../objects/node-object.js'
import { ServiceUnavailableError } from '../errors.js'
import type { RouteModule } from '../router.js'
import { mount } from '../router.js'

export interface SystemRoutesComponents {
  metrics: Registry
  /** Why the node is not ready yet, or undefined when it is. */
  notReadyReason: () => string | undefined
}

export function systemRoutes(components: SystemRoutesComponents): RouteModule {
  return {
    register(app) {
      const ok = async (): Promise<string> => 'ok'
      mount(app, '/healthz', { GET: ok })
      mount(app, '/livez', { GET: ok })
      mount(app, '/readyz', {
        GET: async () => {
          const reason = components.notReadyReason()
          if (reason !== undefined) throw new ServiceUnavailableError(`not ready: ${reason}`)
          return 'ok'
        },
      })
      mount(app, '/version', {
        GET: async () => {
          const [major, minor] = SHOAL_VERSION.split('.')
          return {
            major,
            minor,
            gitVersion: `v${SHOAL_VERSION}`,
            gitCommit: '',
            gitTreeState: 'clean',
            buildDate: '',
            goVersion: `node${process.versions.node}`,
            compiler: 'shoal',
            platform: `${process.platform}/${process.arch === 'x64' ? 'amd64' : process.arch}`,
          }
        },
      })
      mount(app, '/metrics', {
        GET: async (_req, reply) => {
          reply.type(components.metrics.contentType)
          return components.metrics.metrics()
        },
      })
    },
  }
}
