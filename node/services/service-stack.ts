import type { ObjectStore } from '../../crdt/index.js'
import type { RaftNode } from '../../consensus/driver/raft-node.js'
import type { Startable } from '../../lib/startable.js'
import type { KubeObject } from '../../crdt/index.js'
import type { ComputedSource } from '../api/routes/resources/object-source.js'
import type { HostPort } from '../config/agent-config.js'
import type { AgentEventBus } from '../events.js'
import type { LeaderLoop } from '../leader/leader-loop.js'
import type { Logger } from '../logger.js'
import type { Member } from '../membership/member-table.js'
import type { EventSink } from '../workloads/events/event-sink.js'
import { ServiceDns } from './dns/service-dns.js'
import { ServiceProxy } from './proxy/service-proxy.js'
import { ServiceStatusLoop } from './service-status-loop.js'
import { currentEndpoints, ServiceSync } from './service-sync.js'

export interface ServiceComponents {
  store: ObjectStore
  raft: RaftNode
  events: AgentEventBus
  eventSink: EventSink
  members: () => Member[]
  podView: (obj: unknown) => unknown
  logger: Logger
  /** The address other nodes and DNS answers use for this node's proxy. */
  advertisedIp: string
}

export interface ServiceSettings {
  /** Where the proxy listens for every service port. */
  bindAddress: string
  /** The service DNS server; undefined turns it off. */
  dns: HostPort | undefined
}

export interface ServiceStack {
  proxy: ServiceProxy
  dns: ServiceDns | undefined
  parts: Startable[]
  leaderLoops: LeaderLoop[]
  computed: Record<string, ComputedSource>
  heartbeat(): { address: string; conflicts: { key: string; port: number; reason: string; message: string }[] }
}

/** Services on one node: computed endpoints, the TCP proxy on every service port, and DNS. */
export function createServiceStack(c: ServiceComponents, settings: ServiceSettings): ServiceStack {
  const logger = c.logger.child({ component: 'services' })
  const proxy = new ServiceProxy({ logger: c.logger.child({ component: 'proxy' }) }, { bindAddress: settings.bindAddress })
  const dns = settings.dns === undefined ? undefined : new ServiceDns({ logger: c.logger.child({ component: 'dns' }) }, { host: settings.dns.host, port: settings.dns.port })
  const sync = new ServiceSync({ store: c.store, proxy, ...(dns !== undefined ? { dns } : {}), events: c.events, members: c.members, podView: c.podView, logger, selfIp: c.advertisedIp })
  proxy.on('proxy:conflict', (conflict) => {
    const [nsName] = conflict.key.split(':')
    const [namespace, name] = (nsName ?? '').split('/')
    if (name === undefined) return
    c.eventSink.record({ kind: 'Service', namespace, name }, 'Warning', 'PortConflict', conflict.message)
  })
  // DNS is a convenience: a port already in use must not stop the agent.
  const dnsPart: Startable | undefined =
    dns === undefined
      ? undefined
      : {
          start: async () => {
            await dns.start().catch((err: unknown) => logger.warn({ err, port: settings.dns?.port }, 'service DNS could not start; continuing without it'))
          },
          stop: () => dns.stop(),
        }
  return {
    proxy,
    dns,
    parts: [proxy, ...(dnsPart !== undefined ? [dnsPart] : []), sync],
    leaderLoops: [new ServiceStatusLoop({ store: c.store, raft: c.raft, members: c.members, logger })],
    computed: {
      endpoints: {
        list: (namespace) => currentEndpoints(c.store, c.podView, namespace).endpoints as unknown as KubeObject[],
      },
    },
    heartbeat: () => ({
      address: c.advertisedIp,
      conflicts: proxy.conflicts().slice(0, 64).map((x) => ({ key: x.key.slice(0, 300), port: x.port, reason: x.reason, message: x.message.slice(0, 300) })),
    }),
  }
}
