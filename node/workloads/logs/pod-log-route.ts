import type { ServerResponse } from 'node:http'
import type { FastifyReply, FastifyRequest } from 'fastify'
import type { ObjectStore } from '../../../crdt/index.js'
import type { AllocationTable } from '../../allocation/allocation-table.js'
import { BadRequestError, NotFoundError, ServiceUnavailableError } from '../../api/errors.js'
import type { RouteModule } from '../../api/router.js'
import { mount } from '../../api/router.js'
import type { Member } from '../../membership/member-table.js'
import type { Pod } from '../../objects/pod.js'
import type { ContainerRuntime } from '../../runtime/types.js'

export interface PodLogComponents {
  store: ObjectStore
  allocations: AllocationTable
  runtimes: ContainerRuntime[]
  members: () => Member[]
  selfId: string
  token: string
}

interface LogQuery {
  follow?: string
  tailLines?: string
  container?: string
}

const FORWARDED = 'x-shoal-forwarded'

/** Write with backpressure; false once the client has gone. */
async function write(res: ServerResponse, chunk: Uint8Array): Promise<boolean> {
  if (res.destroyed) return false
  if (!res.write(chunk)) await new Promise<void>((resolve) => {
    res.once('drain', resolve)
    res.once('close', resolve)
  })
  return !res.destroyed
}

/**
 * The node that holds the pod's logs: the one it is bound to, or for a finished pod whose
 * binding was released, the node that ran it (it keeps the exited containers until deletion).
 */
function logNode(pod: Pod, boundTo: string | undefined): string | undefined {
  if (boundTo !== undefined) return boundTo
  const finished = pod.status?.phase === 'Succeeded' || pod.status?.phase === 'Failed'
  return finished ? pod.status?.observedBy : undefined
}

/**
 * `GET …/pods/NAME/log` at any node: the node running the pod streams from its runtime; any other
 * node forwards the request to that node's API (one hop, never more) and relays the stream.
 */
export function podLogRoutes(components: PodLogComponents): RouteModule {
  return {
    register(app) {
      mount(app, '/api/v1/namespaces/:namespace/pods/:name/log', {
        GET: async (req: FastifyRequest, reply: FastifyReply) => {
          const { namespace, name } = req.params as { namespace: string; name: string }
          const query = req.query as LogQuery
          const pod = components.store.get('pods', namespace, name) as unknown as Pod | undefined
          if (pod === undefined) throw new NotFoundError(`pods "${name}" not found`, { name, kind: 'pods' })
          const containers = pod.spec.containers.map((c) => c.name)
          const container = query.container ?? (containers.length === 1 ? containers[0]! : undefined)
          if (container === undefined) throw new BadRequestError(`a container name must be specified for pod ${name}, choose one of: [${containers.join(' ')}]`)
          if (!containers.includes(container)) throw new BadRequestError(`container ${container} is not valid for pod ${name}`)
          const tail = query.tailLines === undefined ? undefined : Number(query.tailLines)
          if (tail !== undefined && (!Number.isInteger(tail) || tail < 0)) throw new BadRequestError('tailLines must be a non-negative integer')
          const follow = query.follow === 'true' || query.follow === '1'
          const uid = pod.metadata.uid ?? ''
          const nodeId = logNode(pod, components.allocations.get(uid)?.nodeId)
          if (nodeId === undefined) throw new BadRequestError(`container "${container}" in pod "${name}" is waiting to start: the pod is not scheduled yet`)
          if (nodeId !== components.selfId) {
            if (req.headers[FORWARDED] !== undefined) throw new ServiceUnavailableError(`pod ${name} is not running on this node`)
            return forward(components, nodeId, req, reply)
          }
          const all = (await Promise.all(components.runtimes.map((r) => r.list().catch(() => [])))).flat()
          const instance = all
            .filter((c) => c.podUid === uid && c.containerName === container)
            .sort((a, b) => (Date.parse(b.createdAt ?? '') || 0) - (Date.parse(a.createdAt ?? '') || 0))[0]
          const runtime = components.runtimes.find((r) => r.name === instance?.runtime)
          if (instance === undefined || runtime === undefined) throw new BadRequestError(`container "${container}" in pod "${name}" is waiting to start`)
          const abort = new AbortController()
          reply.hijack()
          const res = reply.raw
          res.on('close', () => abort.abort())
          res.writeHead(200, { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-cache' })
          try {
            for await (const chunk of runtime.logs(instance.id, { follow, ...(tail !== undefined ? { tailLines: tail } : {}), signal: abort.signal })) {
              if (!(await write(res, chunk))) break
            }
          } catch {
            // the container went away mid-stream; end what we sent
          }
          res.end()
        },
      })
    },
  }
}

async function forward(components: PodLogComponents, nodeId: string, req: FastifyRequest, reply: FastifyReply): Promise<void> {
  const member = components.members().find((m) => m.heartbeat.peerId === nodeId)
  if (member === undefined || member.state === 'down' || member.state === 'left') {
    throw new ServiceUnavailableError(`the node running this pod (${member?.heartbeat.name ?? nodeId}) is not reachable`)
  }
  const abort = new AbortController()
  let upstream: Response
  try {
    upstream = await fetch(member.heartbeat.api + req.url, {
      headers: { authorization: `Bearer ${components.token}`, [FORWARDED]: '1' },
      signal: abort.signal,
    })
  } catch (err) {
    throw new ServiceUnavailableError(`cannot reach ${member.heartbeat.name} for the logs: ${(err as Error).message}`)
  }
  reply.hijack()
  const res = reply.raw
  res.on('close', () => abort.abort())
  res.writeHead(upstream.status, { 'content-type': upstream.headers.get('content-type') ?? 'text/plain; charset=utf-8' })
  try {
    if (upstream.body !== null) {
      for await (const chunk of upstream.body) if (!(await write(res, chunk))) break
    }
  } catch {
    // upstream or client closed
  }
  res.end()
}
