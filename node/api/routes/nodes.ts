import type { FastifyReply, FastifyRequest } from 'fastify'
import type { KubeObject } from '../../../crdt/index.js'
import { parseFieldSelector } from '../../../crdt/index.js'
import { ObjectFilter } from '../../../crdt/watch/object-filter.js'
import type { AgentEventBus } from '../../events.js'
import type { Member } from '../../membership/member-table.js'
import { memberNode, NodeChanges } from '../../membership/node-changes.js'
import { BadRequestError, NotFoundError } from '../errors.js'
import type { RouteModule } from '../router.js'
import { mount } from '../router.js'
import { tablePresenter } from '../tables/kube-table.js'
import type { ListQuery } from './resources/request-input.js'
import { listQueryOf } from './resources/request-input.js'
import { withNameTerm } from './resources/resource-paths.js'
import { OpenWatches } from './watch-response.js'

export interface NodesRoutesComponents {
  members: () => Member[]
  /** Membership's state changes; without them nodes can be listed but not watched. */
  events?: AgentEventBus
}

/** The fields a Node can be selected on, as in Kubernetes. */
const NODE_FIELDS = ['metadata.name', 'spec.unschedulable']

/** The list's label and field selectors, through the same filter the store's lists use. */
function filterOf(q: Pick<ListQuery, 'labelSelector' | 'fieldSelector'>): ObjectFilter {
  return new ObjectFilter({
    ...(q.labelSelector !== undefined ? { labelSelector: q.labelSelector } : {}),
    ...(q.fieldSelector !== undefined ? { fieldSelector: parseFieldSelector(q.fieldSelector, NODE_FIELDS) } : {}),
  })
}

/**
 * Nodes are the membership table seen as Kubernetes Node objects; they are read-only. Lists take
 * label and field selectors; `?watch=true` streams a node's state changes (see NodeChanges).
 */
export function nodesRoutes(components: NodesRoutesComponents): RouteModule {
  const changes = components.events === undefined ? undefined : new NodeChanges({ events: components.events, members: components.members })
  const watches = new OpenWatches()
  const nodes = (): KubeObject[] => changes?.list() ?? components.members().map(memberNode)
  const listOrWatch = async (req: FastifyRequest, reply: FastifyReply, q: ListQuery): Promise<unknown> => {
    const filter = filterOf(q)
    if (q.watch) {
      if (changes === undefined) throw new BadRequestError('watch is not supported for nodes here')
      const events = changes.watch(filter, q.resourceVersion)
      await watches.stream(reply, events, { ...tablePresenter(req, 'nodes'), ...(q.timeoutSeconds !== undefined ? { timeoutSeconds: q.timeoutSeconds } : {}) })
      return reply
    }
    return { kind: 'NodeList', apiVersion: 'v1', metadata: { resourceVersion: changes?.resourceVersion ?? '' }, items: nodes().filter((n) => filter.matches(n)) }
  }
  return {
    register(app) {
      changes?.start()
      app.addHook('preClose', async () => {
        changes?.stop()
        watches.closeAll()
      })
      mount(app, '/api/v1/nodes', { GET: async (req, reply) => listOrWatch(req, reply, listQueryOf(req)) })
      mount(app, '/api/v1/nodes/:name', {
        GET: async (req, reply) => {
          const { name } = req.params as { name: string }
          const q = listQueryOf(req)
          if (q.watch) {
            return listOrWatch(req, reply, { ...q, fieldSelector: withNameTerm(name, q.fieldSelector) })
          }
          const members = components.members()
          const m = members.find((x) => x.heartbeat.name === name && x.state !== 'left') ?? members.find((x) => x.heartbeat.name === name)
          if (m === undefined) throw new NotFoundError(`nodes "${name}" not found`, { name, kind: 'nodes' })
          return nodes().find((n) => n.metadata.uid === m.heartbeat.peerId)
        },
      })
    },
  }
}
