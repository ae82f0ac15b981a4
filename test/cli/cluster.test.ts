import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { TestAgent } from '../harness/in-process.js'
import { TestCluster } from '../harness/in-process.js'
import { agreedLeader, raftView } from '../harness/raft-view.js'
import { waitFor } from '../harness/wait.js'
import { runCli } from './run-cli.js'

let cluster: TestCluster
let agents: TestAgent[]
let leaderName: string

const fastRaft = { raft: { tickMs: 20, electionTicks: 10, heartbeatTicks: 1, voterReplaceMs: 2000, snapshotEntries: 10_000 } }

beforeAll(async () => {
  cluster = await TestCluster.start(3, { config: fastRaft })
  agents = cluster.agents
  const leader = await waitFor(async () => {
    const views = await Promise.all(agents.map((a) => raftView(a.api)))
    return views.every((v) => v.voters.length === 3) ? agreedLeader(agents.map((a) => a.api)) : undefined
  }, { timeoutMs: 30_000, message: 'three voters and a leader' })
  leaderName = agents.find((a) => a.peerId === leader)!.name
})

afterAll(async () => {
  await cluster.close()
})

describe('shoal cluster', () => {
  it('prints the raft state with names, then a row per member with its raft part', async () => {
    const r = await runCli(agents[1]!, ['cluster'])
    expect(r.code, r.stderr).toBe(0)
    const lines = r.stdout.split('\n')
    expect(lines[0]).toBe('Cluster seen from n2')
    expect(lines[1]).toMatch(new RegExp(`^Raft: (leader|follower), term \\d+, leader ${leaderName}, commit \\d+, applied \\d+$`))
    expect(lines[2]).toMatch(/^Voters: /)
    expect(lines[2]!.slice('Voters: '.length).split(', ').sort()).toEqual(['n1', 'n2', 'n3'])
    expect(lines[3]).toBe('Learners: none')
    expect(lines[4]).toMatch(/^Capacity \(alive members\): cpu \d+m, memory \S+/)
    const header = lines.findIndex((l) => l.startsWith('NAME'))
    expect(lines[header]!.split(/\s{2,}/)).toEqual(['NAME', 'STATE', 'RAFT', 'LAST-SEEN', 'CPU', 'MEMORY', 'RUNTIMES', 'API'])
    const rows = lines.slice(header + 1).filter((l) => l !== '')
    expect(rows).toHaveLength(3)
    const raftColumn = new Map(rows.map((row) => {
      const cells = row.split(/\s{2,}/)
      return [cells[0]!.replace(' (self)', ''), cells[2]!]
    }))
    for (const a of agents) expect(raftColumn.get(a.name)).toBe(a.name === leaderName ? 'leader' : 'voter')
    expect(rows.filter((row) => row.startsWith('n2 (self)'))).toHaveLength(1)
    expect(rows.every((row) => /\salive\s/.test(row))).toBe(true)
  })

  it('-o json prints the whole reply, with role, term, leader, commit, applied, voters and learners', async () => {
    const r = await runCli(agents[0]!, ['cluster', '-o', 'json'])
    expect(r.code, r.stderr).toBe(0)
    const reply = JSON.parse(r.stdout) as { self: { name: string }; members: unknown[]; raft: Record<string, unknown> }
    expect(reply.self.name).toBe('n1')
    expect(reply.members).toHaveLength(3)
    expect(reply.raft).toMatchObject({ leaderName, learners: [] })
    for (const key of ['role', 'term', 'leader', 'commit', 'applied']) expect(reply.raft).toHaveProperty(key)
    expect((reply.raft['voters'] as string[]).sort()).toEqual(agents.map((a) => a.peerId).sort())
    expect(reply.raft['applied']).toBeLessThanOrEqual(reply.raft['commit'] as number)
  })

  it('refuses an unknown output format', async () => {
    const r = await runCli(agents[0]!, ['cluster', '-o', 'wide'])
    expect(r.code).not.toBe(0)
    expect(r.stderr.trim().split('\n')).toHaveLength(1)
  })
})
