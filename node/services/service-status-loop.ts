import type { RaftNode } from '../../consensus/driver/raft-node.js'
import type { ObjectStore } from '../../crdt/index.js'
import { deepEqual } from '../../crdt/model/json.js'
import { LeaderLoop } from '../leader/leader-loop.js'
import type { Logger } from '../logger.js'
import type { Member } from '../membership/member-table.js'
import type { PodCondition } from '../objects/pod.js'
import type { Service } from './service-types.js'

export interface ServiceStatusComponents {
  store: ObjectStore
  raft: RaftNode
  members: () => Member[]
  logger: Logger
}

/**
 * The leader owns services' status: it gathers the port conflicts every node reports in its
 * heartbeat and sets a `PortConflict` condition saying which port clashes on which nodes.
 */
export class ServiceStatusLoop extends LeaderLoop {
  constructor(private readonly components: ServiceStatusComponents) {
    super(components.logger, 2000)
  }

  protected async run(): Promise<void> {
    const { store, raft, members } = this.components
    if (!raft.isReadyLeader) return
    const reports = members()
      .filter((m) => m.state === 'alive')
      .flatMap((m) => (m.heartbeat.services?.conflicts ?? []).map((c) => ({ ...c, node: m.heartbeat.name })))
    for (const svc of store.list('services').items as unknown as Service[]) {
      const ns = svc.metadata.namespace ?? 'default'
      const prefix = `${ns}/${svc.metadata.name}`
      const mine = reports.filter((r) => r.key === prefix || r.key.startsWith(`${prefix}:`))
      const prev = (svc.status as { conditions?: PodCondition[] } | undefined)?.conditions?.find((c) => c.type === 'PortConflict')
      const status = mine.length > 0 ? 'True' : 'False'
      const byPort = new Map<number, string[]>()
      for (const r of mine) byPort.set(r.port, [...(byPort.get(r.port) ?? []), `${r.node} (${r.reason})`])
      const condition: PodCondition = {
        type: 'PortConflict',
        status,
        reason: mine.length > 0 ? mine[0]!.reason : 'NoConflict',
        message: mine.length > 0 ? [...byPort].map(([port, nodes]) => `port ${port} cannot be served on ${nodes.sort().join(', ')}`).join('; ') : 'every node serves every port',
        lastTransitionTime: prev?.status === status && prev.lastTransitionTime !== undefined ? prev.lastTransitionTime : new Date().toISOString(),
      }
      const next = { ...((svc.status as Record<string, unknown> | undefined) ?? {}), conditions: [condition], loadBalancer: {} }
      if (deepEqual(next, svc.status ?? null)) continue
      await store.updateStatus('services', ns, svc.metadata.name, next as never, { expectedUid: svc.metadata.uid ?? '' }).catch(() => undefined)
    }
  }
}
