import { readFile, rm } from 'node:fs/promises'
import { join } from 'node:path'
import { pino } from 'pino'
import { afterEach, describe, expect, it } from 'vitest'
import { NotLeaderError } from '../../../consensus/driver/errors.js'
import { DiskStorage } from '../../../consensus/storage/disk-storage.js'
import { RECOVERY_MARKER_FILE } from '../../../consensus/storage/recovery-marker.js'
import { waitFor } from '../../harness/wait.js'
import { cmd } from './kv-state-machine.js'
import type { Member } from './raft-fixture.js'
import { RaftCluster } from './raft-fixture.js'

let cluster: RaftCluster | undefined

afterEach(async () => {
  await cluster?.close()
  cluster = undefined
})

async function startAll(n: number, init = {}): Promise<RaftCluster> {
  const c = await RaftCluster.create(n)
  for (const m of c.members) await c.startMember(m, { bootstrap: c.ids, ...init })
  return c
}

describe('RaftNode driver over libp2p and disk', () => {
  it('elects one leader, commits proposals and applies them on every node', async () => {
    cluster = await startAll(3)
    const leader = await cluster.waitLeader()
    const results = await Promise.all(Array.from({ length: 20 }, (_, i) => leader.raft!.propose(cmd(`k${i}=v${i}`))))
    expect(new Set(results).size).toBe(20)
    for (const m of cluster.members) {
      await waitFor(() => m.sm!.data.size === 20, { message: `${m.id} applied all` })
      expect(m.sm!.data.get('k7')).toBe('v7')
    }
    const st = leader.raft!.status()
    expect(st.voters.sort()).toEqual(cluster.ids.sort())
    expect(st.applied).toBeGreaterThanOrEqual(21)
  })

  it('refuses proposals on a follower with a leader hint', async () => {
    cluster = await startAll(3)
    const leader = await cluster.waitLeader()
    const follower = cluster.members.find((m) => m !== leader)!
    await waitFor(() => follower.raft!.status().lead === leader.id)
    const err = await follower.raft!.propose(cmd('a=b')).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(NotLeaderError)
    expect((err as NotLeaderError).leader).toBe(leader.id)
  })

  it('elects a new leader after the leader crashes, and the old leader catches up on restart', async () => {
    cluster = await startAll(3)
    const first = await cluster.waitLeader()
    await first.raft!.propose(cmd('before=1'))
    await cluster.crash(first)
    const second = await cluster.waitLeader()
    expect(second).not.toBe(first)
    await second.raft!.propose(cmd('after=2'))
    await cluster.startMember(first)
    await waitFor(() => first.sm!.data.get('after') === '2', { message: 'restarted node caught up' })
    expect(first.sm!.data.get('before')).toBe('1')
  })

  it('compacts the log into snapshots and brings a laggard up to date through one', async () => {
    cluster = await startAll(3, { snapshotEntries: 50, compactMargin: 5 })
    const leader = await cluster.waitLeader()
    const lag = cluster.members.find((m) => m !== leader)!
    await cluster.crash(lag)
    for (let i = 0; i < 200; i++) await leader.raft!.propose(cmd(`k${i}=${i}`))
    await waitFor(() => leader.storage!.firstIndex() > 100, { message: 'leader compacted its log' })
    await cluster.startMember(lag)
    await waitFor(() => lag.sm!.data.get('k199') === '199', { message: 'laggard caught up' })
    expect(lag.raft!.status().snapshotIndex).toBeGreaterThan(0)
    expect(lag.sm!.data.size).toBe(200)
  })

  it('survives a restart of every node with state intact (durable log and snapshots)', async () => {
    cluster = await startAll(3, { snapshotEntries: 30, compactMargin: 5 })
    const leader = await cluster.waitLeader()
    for (let i = 0; i < 80; i++) await leader.raft!.propose(cmd(`k${i}=${i}`))
    for (const m of cluster.members) await waitFor(() => m.sm!.data.size === 80)
    for (const m of cluster.members) await cluster.crash(m)
    for (const m of cluster.members) await cluster.startMember(m)
    const again = await cluster.waitLeader()
    await again.raft!.propose(cmd('k80=80'))
    for (const m of cluster.members) await waitFor(() => m.sm!.data.size === 81, { message: 'all applied after restart' })
  })

  it('force-new-cluster turns a lone survivor into a working single-voter cluster with its data', async () => {
    cluster = await startAll(3)
    const leader = await cluster.waitLeader()
    for (let i = 0; i < 10; i++) await leader.raft!.propose(cmd(`k${i}=${i}`))
    const survivor = cluster.members.find((m) => m !== leader)!
    await waitFor(() => survivor.sm!.data.size === 10)
    for (const m of cluster.members) await cluster.crash(m)
    cluster.members.splice(0, cluster.members.length, survivor)
    await cluster.startMember(survivor, { forceNewCluster: true, bootstrap: [] })
    const solo = await cluster.waitLeader()
    expect(solo).toBe(survivor)
    expect(solo.raft!.status().voters).toEqual([survivor.id])
    expect(solo.sm!.data.size).toBe(10)
    await solo.raft!.propose(cmd('new=1'))
    expect(solo.sm!.data.get('new')).toBe('1')
    // and it stays that way across a normal restart
    await cluster.crash(solo)
    const reopened = await DiskStorage.open(solo.dir)
    expect(reopened.initialState().confState.voters).toEqual([survivor.id])
    await reopened.close()
  })

  it('force-new-cluster runs once: restarted later with the flag still on, the node stays in the rebuilt cluster', async () => {
    cluster = await startAll(3)
    const leader = await cluster.waitLeader()
    for (let i = 0; i < 5; i++) await leader.raft!.propose(cmd(`k${i}=${i}`))
    for (const m of cluster.members) await waitFor(() => m.sm!.data.size === 5)
    for (const m of cluster.members) await cluster.crash(m)
    const [survivor, ...rest] = cluster.members as [Member, ...Member[]]
    await cluster.startMember(survivor, { forceNewCluster: true, bootstrap: [] })
    expect(await cluster.waitLeader()).toBe(survivor)
    const marker = JSON.parse(await readFile(join(survivor.dir, RECOVERY_MARKER_FILE), 'utf8')) as { node: string; index: number }
    expect(marker).toMatchObject({ node: survivor.id, index: survivor.raft!.status().snapshotIndex })
    // The README's recovery: the others drop their raft state and rejoin as new members.
    for (const m of rest) {
      await rm(m.dir, { recursive: true, force: true })
      await cluster.startMember(m, { bootstrap: [] })
      await survivor.raft!.proposeConfChange({ transition: 'auto', changes: [{ type: 'add-node', nodeId: m.id }] })
    }
    await survivor.raft!.propose(cmd('rebuilt=1'))
    for (const m of rest) await waitFor(() => m.sm!.data.get('rebuilt') === '1', { message: 'rejoined member caught up' })
    // Months later the survivor restarts with the flag still on its command line.
    const lines: string[] = []
    cluster.logger = pino({ level: 'warn' }, { write: (line: string) => void lines.push(line) })
    await cluster.crash(survivor)
    await cluster.startMember(survivor, { forceNewCluster: true, bootstrap: [] })
    cluster.logger = undefined
    expect(lines.join('')).toContain('--force-new-cluster was already applied')
    expect(lines.join('')).toContain(RECOVERY_MARKER_FILE)
    expect(survivor.raft!.status().voters.sort()).toEqual(cluster.ids.sort())
    const again = await cluster.waitLeader()
    await again.raft!.propose(cmd('later=1'))
    for (const m of cluster.members) await waitFor(() => m.sm!.data.get('later') === '1', { message: `${m.id} applied after the restart` })
    expect(survivor.sm!.data.size).toBe(7)
  })
})
