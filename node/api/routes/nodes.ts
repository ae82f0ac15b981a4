import type { Member } from '../../membership/member-table.js'
import { memberToNode } from '../../objects/node-object.js'
import { NotFoundError } from '../errors.js'
import type { RouteModule } from '../router.js'
import { mount } from '../router.js'

export interface NodesRoutesComponents {
  members: () => Member[]
}

/** Nodes are the membership table seen as Kubernetes Node objects; they are read-only. */
export function nodesRoutes(components: NodesRoutesComponents): RouteModule {
  return {
    register(app) {
      mount(app, '/api/v1/nodes', {
        GET: async () => {
          const items = components.members().map(memberToNode)
          return { kind: 'NodeList', apiVersion: 'v1', metadata: { resourceVersion: '' }, items }
        },
      })
      mount(app, '/api/v1/nodes/:name', {
        GET: async (req) => {
          const { name } = req.params as { name: string }
          const members = components.members()
          const m = members.find((x) => x.heartbeat.name === name && x.state !== 'left') ?? members.find((x) => x.heartbeat.name === name)
          if (m === undefined) throw new NotFoundError(`nodes "${name}" not found`, { name, kind: 'nodes' })
          return memberToNode(m)
        },
      })
    },
  }
}
