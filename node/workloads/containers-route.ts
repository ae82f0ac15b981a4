import type { RouteModule } from '../api/router.js'
import { mount } from '../api/router.js'
import type { ContainerRuntime } from '../runtime/types.js'

/** `/shoal/v1/containers`: what this node's runtimes are running right now (like `crictl ps -a`). */
export function containersRoutes(components: { runtimes: ContainerRuntime[]; nodeName: string }): RouteModule {
  return {
    register(app) {
      mount(app, '/shoal/v1/containers', {
        GET: async () => {
          const lists = await Promise.all(components.runtimes.map((r) => r.list().catch(() => [])))
          const items = lists.flat().sort((a, b) => (a.namespace + a.podName + a.containerName < b.namespace + b.podName + b.containerName ? -1 : 1))
          return { kind: 'ContainerList', apiVersion: 'shoal.io/v1', node: components.nodeName, items }
        },
      })
    },
  }
}
