// The knobs of one simulation run. Everything not fixed by the caller is drawn from the seed, so a
// seed alone reproduces a run; a failure prints the full parameter set as well.

import { Prng } from '../../../lib/prng.js'

export interface SimParams {
  seed: number
  /** Initial voters (bootstrapped). */
  voters: number
  /** Extra nodes that start outside the configuration and join as learners. */
  spares: number
  /** Length of the fault phase, in ticks. */
  steps: number
  /** Ticks allowed after the faults stop for a leader to commit a new entry everywhere. */
  livenessTicks: number
  electionTick: number
  heartbeatTick: number
  preVote: boolean
  checkQuorum: boolean
  maxInflightMsgs: number
  maxSizePerMsg: number
  /** Network: probability a message is lost / delivered twice; delay range in time units (a tick is 10). */
  dropRate: number
  dupRate: number
  minDelay: number
  maxDelay: number
  /** Per tick probabilities of the chaos actions. */
  pPropose: number
  pCrash: number
  pRestart: number
  pPartition: number
  pHeal: number
  pConfChange: number
  pCompact: number
  pTransfer: number
  pRead: number
  /** Probability that a Ready is interrupted by a crash at a random point. */
  pReadyCrash: number
  /**
   * Probability that a newly elected leader is crashed or cut off moments later, before its
   * no-op commits: the window where Raft's old-term commit rule (Figure 8) matters.
   */
  pStrikeNewLeader: number
}

export type SimOverrides = Partial<Pick<SimParams, 'voters' | 'spares' | 'steps' | 'livenessTicks'>>

export const TICK = 10

export function paramsForSeed(seed: number, overrides: SimOverrides = {}): SimParams {
  // A separate stream for parameters, so changing how a run uses randomness keeps its parameters.
  const p = new Prng((seed ^ 0x5bd1e995) >>> 0)
  // Draw every value even when overridden, so an override changes nothing else about the run.
  const drawnVoters = p.pick([3, 3, 5])
  const drawnSpares = p.pick([0, 1, 1, 2])
  const voters = overrides.voters ?? drawnVoters
  const featureMix = p.int(0, 10)
  // Raft needs broadcast time << election timeout (§5.6); the worst case here is 3 of 10 ticks.
  const maxDelay = p.pick([2, 8, 15, 30])
  // Flow control under stress, but never so tight that replication falls behind the proposal
  // rate (then no bound on commit latency could hold): one entry per message only with a wide
  // window, a narrow window only with several entries per message.
  const flow = p.pick([
    { maxInflightMsgs: 256, maxSizePerMsg: 1 << 20 },
    { maxInflightMsgs: 256, maxSizePerMsg: 1 },
    { maxInflightMsgs: 2, maxSizePerMsg: 200 },
    { maxInflightMsgs: 4, maxSizePerMsg: 200 },
  ])
  return {
    seed,
    voters,
    spares: overrides.spares ?? drawnSpares,
    steps: overrides.steps ?? 400,
    livenessTicks: overrides.livenessTicks ?? 250,
    electionTick: 10,
    heartbeatTick: p.pick([1, 1, 2]),
    // Mostly etcd's recommended setting; each safety mechanism alone on some seeds.
    preVote: featureMix !== 8,
    checkQuorum: featureMix !== 9,
    ...flow,
    dropRate: p.pick([0, 0.02, 0.05, 0.1, 0.2]),
    dupRate: p.pick([0, 0.02, 0.1]),
    minDelay: 1,
    maxDelay,
    pPropose: p.pick([0.2, 0.5, 1]),
    pCrash: p.pick([0, 0.01, 0.02, 0.04]),
    pRestart: p.pick([0.05, 0.1, 0.3]),
    pPartition: p.pick([0, 0.01, 0.03]),
    pHeal: p.pick([0.03, 0.1]),
    pConfChange: p.pick([0, 0.03, 0.08]),
    pCompact: p.pick([0.01, 0.05, 0.1]),
    pTransfer: p.pick([0, 0.01, 0.03]),
    pRead: p.pick([0, 0.05, 0.2]),
    pReadyCrash: p.pick([0, 0.002, 0.01]),
    pStrikeNewLeader: p.pick([0, 0.1, 0.3]),
  }
}

export function describeParams(p: SimParams): string {
  return Object.entries(p)
    .map(([k, v]) => `${k}=${String(v)}`)
    .join(' ')
}
