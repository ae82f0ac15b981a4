// The raft benchmark's bookkeeping around etcd: failover samples, and etcd run beside shoal so
// that an etcd fault never costs shoal's numbers.
import { join } from 'node:path'
import { EtcdCluster, etcdVersion } from './raft-etcd.js'
import { FailoverTimeoutError } from './raft-first-success.js'
import { failoverMeasure, skipped } from './raft-rows.js'
import type { Measured } from './raft-rows.js'

export const ETCD_PATH = 'etcd processes, etcd3 gRPC put'

/** Failover samples; a trial in which no write succeeded counts as failed, not as a number. */
export class Trials {
  readonly ms: number[] = []
  failed = 0

  async run(trial: () => Promise<number>): Promise<void> {
    try {
      this.ms.push(await trial())
    } catch (err) {
      if (!(err instanceof FailoverTimeoutError)) throw err
      this.failed++
    }
  }
}

/**
 * etcd beside shoal. etcd failing is a fault of this set-up, not of shoal: the run goes on, and
 * every etcd row is reported as skipped with the reason rather than with partial numbers.
 */
export class EtcdSide {
  readonly measured: Measured[] = []
  readonly trials = new Trials()
  why: string | undefined
  private constructor(private cluster: EtcdCluster | undefined, readonly version: string | undefined) {}

  static async start(root: string, enabled: boolean): Promise<EtcdSide> {
    const version = enabled ? etcdVersion() : undefined
    const side = new EtcdSide(undefined, version)
    if (!enabled) side.why = 'turned off'
    else if (version === undefined) side.why = 'etcd is not on PATH'
    else {
      try {
        side.cluster = await EtcdCluster.start(join(root, 'etcd'))
      } catch (err) {
        await side.fail(err)
      }
    }
    return side
  }

  /** Runs fn against the cluster unless etcd is skipped or has failed; a throw marks it failed. */
  async guard<T>(fn: (c: EtcdCluster) => Promise<T>): Promise<T | undefined> {
    if (this.why !== undefined || this.cluster === undefined) return undefined
    try {
      return await fn(this.cluster)
    } catch (err) {
      await this.fail(err)
      return undefined
    }
  }

  private async fail(err: unknown): Promise<void> {
    this.why = `etcd failed: ${err instanceof Error ? err.message : String(err)}`
    await this.close()
  }

  async close(): Promise<void> {
    await this.cluster?.close().catch(() => undefined)
    this.cluster = undefined
  }

  rows(measures: readonly string[]): Measured[] {
    return this.why === undefined ? [...this.measured, failoverMeasure('etcd', ETCD_PATH, this.trials.ms, this.trials.failed)] : measures.map((m) => skipped('etcd', this.why!, m))
  }
}
