import type { Prng } from '../../lib/prng.js'
import type { ChaosCluster } from './chaos-cluster.js'

export interface ClientStats {
  /** Names of objects whose create the API acknowledged (201): none may be lost. */
  acked: string[]
  failedWrites: number
  scales: number
  failedScales: number
}

/**
 * A client that keeps writing while faults happen: it creates Events at random live nodes (any
 * node accepts writes, no quorum needed) and rescales the controllers now and then. Only what the
 * API acknowledged is recorded; the checker proves none of it was lost.
 */
export class ChaosClient {
  readonly stats: ClientStats = { acked: [], failedWrites: 0, scales: 0, failedScales: 0 }
  private running = false
  private loops: Promise<void>[] = []
  private seq = 0

  constructor(
    private readonly cluster: ChaosCluster,
    private readonly prng: Prng,
    private readonly controllers: string[],
  ) {}

  start(): void {
    this.running = true
    this.loops = [this.writeLoop(), this.scaleLoop()]
  }

  async stop(): Promise<void> {
    this.running = false
    await Promise.all(this.loops)
  }

  private async writeLoop(): Promise<void> {
    while (this.running) {
      const target = this.pickLive()
      const name = `chaos-${(++this.seq).toString().padStart(5, '0')}`
      if (target !== undefined) {
        const event = {
          apiVersion: 'v1',
          kind: 'Event',
          metadata: { name, namespace: 'default' },
          involvedObject: { kind: 'Chaos', namespace: 'default', name: 'client' },
          reason: 'ChaosWrite',
          message: `write ${this.seq} at ${target.name}`,
          type: 'Normal',
        }
        const r = await target.api.request('POST', '/api/v1/namespaces/default/events', event).catch(() => undefined)
        if (r?.status === 201) this.stats.acked.push(name)
        else this.stats.failedWrites++
      }
      await sleep(this.prng.int(50, 150))
    }
  }

  private async scaleLoop(): Promise<void> {
    while (this.running) {
      await sleep(this.prng.int(1500, 3000))
      const target = this.pickLive()
      if (target === undefined || !this.running) continue
      const rc = this.prng.pick(this.controllers)
      const replicas = this.prng.int(2, 7)
      const r = await target.api
        .request('PATCH', `/api/v1/namespaces/default/replicationcontrollers/${rc}`, { spec: { replicas } }, { contentType: 'application/merge-patch+json' })
        .catch(() => undefined)
      if (r?.status === 200) this.stats.scales++
      else this.stats.failedScales++
    }
  }

  private pickLive(): ReturnType<ChaosCluster['live']>[number] | undefined {
    const live = this.cluster.live()
    return live.length === 0 ? undefined : this.prng.pick(live)
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms))
}
