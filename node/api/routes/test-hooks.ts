import { createHash } from 'node:crypto'
import type * as Y from 'yjs'
import { docToJSON } from '../../../crdt/index.js'
import { NotLeaderError } from '../../../consensus/driver/errors.js'
import type { AllocationTable } from '../../allocation/allocation-table.js'
import type { RaftNode } from '../../../consensus/driver/raft-node.js'
import { encodeCommand, TEST_HOOK_NAMESPACE } from '../../allocation/commands.js'
import type { LinkGater } from '../../p2p/link-gater.js'
import type { Host } from '../../p2p/host.js'
import { BadRequestError, ServiceUnavailableError } from '../errors.js'
import type { RouteModule } from '../router.js'
import { mount } from '../router.js'

/**
 * Fault injection for multi-process tests and the chaos suite: cut and heal this node's links to
 * chosen peers with real libp2p connections. Mounted only with --test-hooks, and still behind the
 * bearer token.
 */
export interface TestHookComponents {
  gater: LinkGater
  host: Host
  raft: RaftNode
  allocations: AllocationTable
  doc: Y.Doc
}

function sha256(data: string | Uint8Array): string {
  return createHash('sha256').update(data).digest('hex')
}

export function testHookRoutes(components: TestHookComponents): RouteModule {
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
      // What the chaos checker compares across nodes: the whole replicated document, and the
      // committed allocation state with the index it was applied at.
      mount(app, '/shoal/v1/debug/digest', {
        GET: async () => {
          const st = components.raft.status()
          return {
            store: sha256(JSON.stringify(docToJSON(components.doc))),
            raft: { applied: components.allocations.index, commit: st.commit, term: st.term, table: sha256(components.allocations.snapshot()), bindings: components.allocations.size },
          }
        },
      })
      // Commits a binding of a made-up pod, so tests can drive real entries through raft and
      // check afterwards that every node applied them.
      mount(app, '/shoal/v1/debug/raft/bind', {
        POST: async (req) => {
          const body = req.body as { podUid?: unknown; nodeId?: unknown }
          if (typeof body?.podUid !== 'string' || typeof body.nodeId !== 'string') throw new BadRequestError('expected {"podUid": "...", "nodeId": "..."}')
          const binding = { podUid: body.podUid, namespace: TEST_HOOK_NAMESPACE, name: body.podUid, nodeId: body.nodeId, nodeName: body.nodeId, cpuMillis: 0, memoryBytes: 0, hostPorts: [], ports: [] }
          try {
            return await components.raft.propose(encodeCommand({ op: 'bind', bindings: [binding] }))
          } catch (err) {
            if (err instanceof NotLeaderError) throw new ServiceUnavailableError(err.message, { name: err.leader })
            throw err
          }
        },
      })
    },
  }
}
