// The shoal side of the workloads benchmark: a cluster of real agent processes, replication
// controllers to time, and the waits and clean-ups between trials.
import { rm } from 'node:fs/promises'
import { join } from 'node:path'
import type Dockerode from 'dockerode'
import { listNodes } from '../test/harness/api.js'
import type { TestApi } from '../test/harness/api.js'
import { ProcessAgent } from '../test/harness/processes.js'
import { agreedLeader, raftView } from '../test/harness/raft-view.js'
import { waitFor } from '../test/harness/wait.js'
import { TEST_IMAGE } from '../test/harness/docker-engine.js'
import { containersOf, podsOf, rcManifest } from '../test/harness/workloads.js'
import type { PodSummary } from '../test/harness/workloads.js'

export { TEST_IMAGE }

const RC_PATH = '/api/v1/namespaces/default/replicationcontrollers'

export type BenchRuntime = 'process' | 'docker'

/** A replication controller of `sleep 3600` pods pinned to one runtime (docker adds the image). */
export function sleepRc(name: string, replicas: number, runtime: BenchRuntime): Record<string, unknown> {
  // busybox's sleep as a container's pid 1 ignores SIGTERM: a short grace keeps teardown quick.
  return rcManifest(name, replicas, { ...(runtime === 'docker' ? { image: TEST_IMAGE } : {}), command: ['sleep', '3600'] }, { runtime, graceSeconds: 1 })
}

export interface ClusterInit {
  root: string
  /** `--runtime` for every agent; `auto` offers docker and process when an engine answers. */
  runtime: 'auto' | 'process'
  size?: number
}

/**
 * Three agents (by default) on 127.0.0.21-23 with the agent's default timings, so the recovery
 * numbers are what a user gets. Peer ids are remembered for the Docker clean-up.
 */
export class BenchCluster {
  readonly agents: ProcessAgent[] = []
  readonly peerIds = new Set<string>()

  constructor(readonly init: ClusterInit) {}

  async start(): Promise<void> {
    const size = this.init.size ?? 3
    for (let i = 1; i <= size; i++) {
      const first = this.agents[0]
      const agent = new ProcessAgent({
        name: `w${i}`,
        dataDir: join(this.init.root, `w${i}`),
        serviceAddress: `127.0.0.${20 + i}`,
        defaultTiming: true,
        args: ['--runtime', this.init.runtime],
        ...(first !== undefined ? { join: [first.p2pHostPort], clusterKeyFile: join(this.init.root, 'w1', 'cluster.key') } : {}),
      })
      this.agents.push(agent)
      await agent.start()
      this.peerIds.add(agent.peerId)
    }
  }

  get live(): ProcessAgent[] {
    return this.agents.filter((a) => a.running)
  }

  /** Wait for a leader all agree on, every agent a voter, every node Ready (and offering `runtimes`). */
  async settle(runtimes: BenchRuntime[] = ['process'], timeoutMs = 60_000): Promise<void> {
    const n = this.agents.length
    await waitFor(
      async () => {
        const apis = this.agents.map((a) => a.api)
        if ((await agreedLeader(apis)) === undefined) return false
        for (const api of apis) {
          if ((await raftView(api)).voters.length !== n) return false
          const nodes = await listNodes(api)
          if (nodes.filter((x) => x.ready === 'True' && x.state === 'alive').length !== n) return false
          const members = (await api.ok<{ members: { runtimes: string[] }[] }>('/shoal/v1/cluster')).members
          if (!members.every((m) => runtimes.every((r) => m.runtimes.includes(r)))) return false
        }
        return true
      },
      { timeoutMs, intervalMs: 200, message: `${n} voters, all nodes Ready with ${runtimes.join('+')}` },
    )
  }

  /** The agent the Raft leader runs in, as the given agent sees it. */
  async leader(via: TestApi): Promise<ProcessAgent | undefined> {
    const id = (await raftView(via)).leader
    return this.agents.find((a) => a.peerId === id || a.name === id)
  }

  /** Kill every agent and its process containers, remove its Docker containers, drop the data. */
  async destroy(docker: Dockerode | undefined): Promise<void> {
    await Promise.allSettled(this.agents.map((a) => a.destroy()))
    if (docker !== undefined) await removeOwnedContainers(docker, this.peerIds)
    await rm(this.init.root, { recursive: true, force: true, maxRetries: 5, retryDelay: 100 })
  }
}

/** Docker containers that agents of this cluster started (agents sharing the engine keep apart by owner). */
export async function removeOwnedContainers(docker: Dockerode, owners: ReadonlySet<string>): Promise<number> {
  const all = await docker.listContainers({ all: true, filters: { label: ['shoal.io/managed=true'] } })
  const ours = all.filter((c) => owners.has(c.Labels['shoal.io/owner'] ?? ''))
  await Promise.allSettled(ours.map((c) => docker.getContainer(c.Id).remove({ force: true })))
  return ours.length
}

export async function createRc(api: TestApi, rc: Record<string, unknown>): Promise<void> {
  const r = await api.request('POST', RC_PATH, rc)
  if (r.status !== 201) throw new Error(`creating the replication controller failed with ${r.status}: ${JSON.stringify(r.body)}`)
}

/** Poll until `done` holds for the pods of `selector`; returns them. */
export function waitPods(api: TestApi, selector: string, done: (pods: PodSummary[]) => boolean, opts: { timeoutMs: number; pollMs: number; what: string }): Promise<PodSummary[]> {
  return waitFor(
    async () => {
      const pods = await podsOf(api, selector)
      return done(pods) ? pods : undefined
    },
    { timeoutMs: opts.timeoutMs, intervalMs: opts.pollMs, message: opts.what },
  )
}

export function allRunning(n: number): (pods: PodSummary[]) => boolean {
  return (pods) => pods.length === n && pods.every((p) => p.phase === 'Running')
}

/** Delete the RC and wait until its pods are gone from the API and its containers from every live node. */
export async function deleteRcAndWait(cluster: BenchCluster, name: string, timeoutMs = 120_000): Promise<void> {
  const api = cluster.live[0]!.api
  const r = await api.request('DELETE', `${RC_PATH}/${name}`)
  if (r.status !== 200 && r.status !== 404) throw new Error(`deleting ${name} failed with ${r.status}: ${JSON.stringify(r.body)}`)
  await waitFor(
    async () => {
      if ((await podsOf(api, `app=${name}`)).length !== 0) return false
      for (const a of cluster.live) if ((await containersOf(a.api)).some((c) => c.podName.startsWith(`${name}-`))) return false
      return true
    },
    { timeoutMs, intervalMs: 250, message: `pods and containers of ${name} gone` },
  )
}
