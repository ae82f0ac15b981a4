import type { Command } from 'commander'
import type { ConnectionOptions } from '../client.js'
import { ApiClient, resolveConnection } from '../client.js'
import { formatStructured, parseOutput } from '../output/format.js'
import { formatTable } from '../output/table.js'
import { humanBytes } from '../../node/objects/quantity.js'

interface ClusterMember {
  name: string
  peerId: string
  state: string
  self: boolean
  lastSeenMsAgo: number
  api: string
  runtimes: string[]
  allocatable: { cpuMillis: number; memoryBytes: number }
  raft?: { role: string; term: number; leader: string }
}

interface RaftSection {
  role: string
  term: number
  leader: string
  leaderName?: string
  commit: number
  applied: number
  voters: string[]
  learners: string[]
}

interface ClusterReply {
  self: { name: string; peerId: string }
  members: ClusterMember[]
  capacity: { cpuMillis: number; memoryBytes: number }
  raft?: RaftSection
  allocation?: { cpuMillis: number; memoryBytes: number; pods: number }
}

export function registerClusterCommand(program: Command, connection: () => ConnectionOptions): void {
  program
    .command('cluster')
    .description('show members, their state, and consensus status as the server node sees them')
    .option('-o, --output <format>', 'json or yaml')
    .action(async (flags: { output?: string }) => {
      const format = parseOutput(flags.output, ['json', 'yaml'])
      const client = new ApiClient(await resolveConnection(connection()))
      const reply = await client.get<ClusterReply>('/shoal/v1/cluster')
      if (format === 'json' || format === 'yaml') {
        process.stdout.write(formatStructured(reply, format) + '\n')
        return
      }
      process.stdout.write(renderCluster(reply) + '\n')
    })
}

export function renderCluster(c: ClusterReply): string {
  const names = new Map(c.members.map((m) => [m.peerId, m.name]))
  const out: string[] = []
  out.push(`Cluster seen from ${c.self.name}`)
  if (c.raft !== undefined) {
    const r = c.raft
    out.push(
      `Raft: ${r.role}, term ${r.term}, leader ${names.get(r.leader) ?? (r.leader || 'none')}, commit ${r.commit}, applied ${r.applied}`,
      `Voters: ${r.voters.map((v) => names.get(v) ?? v).join(', ') || 'none'}`,
      `Learners: ${r.learners.map((v) => names.get(v) ?? v).join(', ') || 'none'}`,
    )
  }
  out.push(`Capacity (alive members): cpu ${c.capacity.cpuMillis}m, memory ${humanBytes(c.capacity.memoryBytes)}`)
  if (c.allocation !== undefined) {
    out.push(`Allocated: cpu ${c.allocation.cpuMillis}m, memory ${humanBytes(c.allocation.memoryBytes)}, ${c.allocation.pods} pods`)
  }
  out.push('')
  const voters = new Set(c.raft?.voters ?? [])
  const learners = new Set(c.raft?.learners ?? [])
  out.push(
    formatTable(
      ['NAME', 'STATE', 'RAFT', 'LAST-SEEN', 'CPU', 'MEMORY', 'RUNTIMES', 'API'],
      c.members.map((m) => [
        m.name + (m.self ? ' (self)' : ''),
        m.state,
        m.peerId === c.raft?.leader ? 'leader' : voters.has(m.peerId) ? 'voter' : learners.has(m.peerId) ? 'learner' : '-',
        m.self ? '-' : `${(m.lastSeenMsAgo / 1000).toFixed(1)}s`,
        `${m.allocatable.cpuMillis}m`,
        humanBytes(m.allocatable.memoryBytes),
        m.runtimes.join(','),
        m.api,
      ]),
    ),
  )
  return out.join('\n')
}
