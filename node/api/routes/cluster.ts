import type { Member } from '../../membership/member-table.js'
import type { RouteModule } from '../router.js'
import { mount } from '../router.js'

export interface ClusterView {
  /** Extra sections other subsystems contribute (raft, allocation); merged into the response. */
  sections: () => Record<string, unknown>
}

export interface ClusterRoutesComponents extends ClusterView {
  self: () => { name: string; peerId: string }
  members: () => Member[]
  now?: () => number
}

/** `/shoal/v1/cluster`: every member's state as this node sees it, plus pooled resources. */
export function clusterRoutes(components: ClusterRoutesComponents): RouteModule {
  const now = components.now ?? Date.now
  return {
    register(app) {
      mount(app, '/shoal/v1/cluster', {
        GET: async () => {
          const t = now()
          const members = components.members().map((m) => ({
            name: m.heartbeat.name,
            peerId: m.heartbeat.peerId,
            state: m.state,
            self: m.self,
            since: new Date(m.since).toISOString(),
            lastSeenMsAgo: t - m.lastSeen,
            api: m.heartbeat.api,
            p2p: m.heartbeat.p2p,
            runtimes: m.heartbeat.runtimes,
            labels: m.heartbeat.labels,
            capacity: m.heartbeat.capacity,
            allocatable: m.heartbeat.allocatable,
            version: m.heartbeat.version,
            startedAt: m.heartbeat.startedAt,
            ...(m.heartbeat.raft !== undefined ? { raft: m.heartbeat.raft } : {}),
          }))
          const live = members.filter((m) => m.state === 'alive')
          const pooled = live.reduce(
            (acc, m) => ({ cpuMillis: acc.cpuMillis + m.allocatable.cpuMillis, memoryBytes: acc.memoryBytes + m.allocatable.memoryBytes }),
            { cpuMillis: 0, memoryBytes: 0 },
          )
          return {
            kind: 'Cluster',
            apiVersion: 'shoal.io/v1',
            self: components.self(),
            members,
            counts: countBy(members.map((m) => m.state)),
            capacity: pooled,
            ...components.sections(),
          }
        },
      })
    },
  }
}

function countBy(values: string[]): Record<string, number> {
  const out: Record<string, number> = {}
  for (const v of values) out[v] = (out[v] ?? 0) + 1
  return out
}
