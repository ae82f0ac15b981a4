import { collectDefaultMetrics, Gauge, Registry } from 'prom-client'
import type { Member } from '../membership/member-table.js'

/**
 * One registry per agent (several agents share a process in tests, so the global default
 * registry would mix them). Gauges are computed at scrape time from live state.
 */
export function createAgentMetrics(components: { members: () => Member[] }): Registry {
  const registry = new Registry()
  collectDefaultMetrics({ register: registry, prefix: 'shoal_process_' })
  new Gauge({
    name: 'shoal_members',
    help: 'Cluster members by state, as this node sees them',
    labelNames: ['state'],
    registers: [registry],
    collect() {
      this.reset()
      const counts: Record<string, number> = { alive: 0, suspect: 0, down: 0, left: 0 }
      for (const m of components.members()) counts[m.state] = (counts[m.state] ?? 0) + 1
      for (const [state, n] of Object.entries(counts)) this.set({ state }, n)
    },
  })
  return registry
}
