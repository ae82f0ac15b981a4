import type { ObjectStore } from '../../crdt/index.js'
import { SerialRunner } from '../../lib/serial-runner.js'
import type { Startable } from '../../lib/startable.js'
import type { AgentEventBus } from '../events.js'
import type { Logger } from '../logger.js'
import type { Member } from '../membership/member-table.js'
import { dnsServiceOf } from './dns/dns-zone.js'
import type { ServiceDns } from './dns/service-dns.js'
import { computeEndpoints } from './endpoints.js'
import { buildProxyConfig } from './proxy-backends.js'
import type { ServiceProxy } from './proxy/service-proxy.js'
import type { Endpoints, Pod, Service } from './service-types.js'

export interface ServiceSyncComponents {
  store: ObjectStore
  proxy: ServiceProxy
  dns?: ServiceDns
  events: AgentEventBus
  members: () => Member[]
  /** How the API shows a pod (committed node, effective phase): endpoints follow the same truth. */
  podView: (obj: unknown) => unknown
  logger: Logger
  selfIp: string
}

/** Endpoints for every selector-based service, from this node's store and allocation view. */
export function currentEndpoints(store: ObjectStore, podView: (obj: unknown) => unknown, namespace?: string): { services: Service[]; endpoints: Endpoints[] } {
  const opts = namespace === undefined ? {} : { namespace }
  const services = store.list('services', opts).items as unknown as Service[]
  const pods = (store.list('pods', opts).items as unknown[]).map(podView) as Pod[]
  const endpoints = services.map((s) => computeEndpoints(s, pods)).filter((e): e is Endpoints => e !== undefined)
  return { services, endpoints }
}

/**
 * Keeps this node's proxy and DNS in step with the services and their ready pods. Every node
 * computes the same answer from its replicas of the store and the allocation table, so no leader
 * is involved and a partitioned node keeps serving what it knows.
 */
export class ServiceSync implements Startable {
  private readonly runner: SerialRunner
  private timer: NodeJS.Timeout | undefined
  private soon: NodeJS.Timeout | undefined
  private unsubscribes: Array<() => void> = []
  private readonly schedule = (): void => {
    if (this.soon !== undefined) return
    // Coalesce bursts (a scale-up writes many pod statuses) into one update.
    this.soon = setTimeout(() => {
      this.soon = undefined
      this.runner.trigger()
    }, 50)
  }

  constructor(private readonly components: ServiceSyncComponents) {
    this.runner = new SerialRunner(
      () => this.apply(),
      (err) => components.logger.error({ err }, 'service sync failed'),
    )
  }

  start(): void {
    const { store, events } = this.components
    this.runner.enable()
    this.unsubscribes = [store.subscribe('services', {}, this.schedule), store.subscribe('pods', {}, this.schedule)]
    for (const e of ['member:alive', 'member:down', 'member:left'] as const) events.on(e, this.schedule)
    this.timer = setInterval(this.schedule, 1000)
    this.runner.trigger()
  }

  async stop(): Promise<void> {
    clearInterval(this.timer)
    clearTimeout(this.soon)
    for (const u of this.unsubscribes.splice(0)) u()
    for (const e of ['member:alive', 'member:down', 'member:left'] as const) this.components.events.off(e, this.schedule)
    await this.runner.disable()
  }

  private async apply(): Promise<void> {
    const { store, proxy, dns, podView, members, selfIp } = this.components
    const { services, endpoints } = currentEndpoints(store, podView)
    await proxy.update(buildProxyConfig(services, endpoints))
    dns?.update({
      services: services.map(dnsServiceOf),
      nodes: members()
        .filter((m) => m.heartbeat.services !== undefined)
        .map((m) => ({ name: m.heartbeat.name, ip: m.heartbeat.services!.address, ready: m.state === 'alive' })),
      self: selfIp,
    })
  }
}
