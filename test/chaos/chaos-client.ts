import type { Prng } from '../../lib/prng.js'
import type { ChaosCluster } from './chaos-cluster.js'
import type { ScaleWrite } from './scale-history.js'
import { SCALE_ANNOTATION_PREFIX } from './scale-history.js'

export interface ClientStats {
  /** Names of objects whose create the API acknowledged (201): none may be lost. */
  acked: string[]
  failedWrites: number
  scales: number
  failedScales: number
  /** Every scale that was acknowledged or may have been applied, in the order they were sent. */
  scaleWrites: ScaleWrite[]
}

/**
 * A client that keeps writing while faults happen: it creates Events at random live nodes (any
 * node accepts writes, no quorum needed) and rescales the controllers now and then. Only what the
 * API acknowledged is recorded as acknowledged; the checker proves none of it was lost.
 */
export class ChaosClient {
  readonly stats: ClientStats = { acked: [], failedWrites: 0, scales: 0, failedScales: 0, scaleWrites: [] }
  private running = false
  private loops: Promise<void>[] = []
  private seq = 0
  private scaleSeq = 0

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
      const seq = ++this.scaleSeq
      const path = `/api/v1/namespaces/default/replicationcontrollers/${rc}`
      // Read first what this node has seen: the check needs to know which earlier scales this
      // one supersedes and which it is concurrent with (see allowedReplicas).
      const before = await target.api.get<{ metadata?: { annotations?: Record<string, string> } }>(path).catch(() => undefined)
      if (before?.status !== 200) {
        this.stats.failedScales++
        continue
      }
      const seen = Object.keys(before.body.metadata?.annotations ?? {})
        .filter((k) => k.startsWith(SCALE_ANNOTATION_PREFIX))
        .map((k) => Number(k.slice(SCALE_ANNOTATION_PREFIX.length)))
      const patch = { metadata: { annotations: { [`${SCALE_ANNOTATION_PREFIX}${seq}`]: String(replicas) } }, spec: { replicas } }
      const r = await target.api.request('PATCH', path, patch, { contentType: 'application/merge-patch+json' }).catch((err: unknown) => (refused(err) ? 'refused' : 'lost'))
      if (typeof r !== 'string' && r.status === 200) this.stats.scales++
      else this.stats.failedScales++
      // An answer lost mid-request (not a refused connection): the agent may have applied the
      // scale before it died, so it may still win.
      if (r === 'lost' || (typeof r !== 'string' && r.status === 200)) this.stats.scaleWrites.push({ seq, controller: rc, replicas, outcome: r === 'lost' ? 'unknown' : 'acked', seen })
    }
  }

  private pickLive(): ReturnType<ChaosCluster['live']>[number] | undefined {
    const live = this.cluster.live()
    return live.length === 0 ? undefined : this.prng.pick(live)
  }
}

/** A connection the agent refused never reached it, so nothing was written. */
function refused(err: unknown): boolean {
  const cause = err instanceof Error ? (err.cause as { code?: unknown } | undefined) : undefined
  return cause?.code === 'ECONNREFUSED'
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms))
}
