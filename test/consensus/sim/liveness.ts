// The end of every run: the faults stop (partitions heal, crashed nodes restart, no more loss),
// and the cluster must make progress within bounded time.

import type { BasicStatus } from '../../../consensus/core/status.js'
import { operatorLeaveJoint } from './chaos.js'
import { SafetyViolation } from './invariants.js'
import type { SimNode } from './sim-node.js'
import { TICK } from './sim-params.js'
import type { Simulation } from './simulation.js'

/**
 * Catching up may legitimately take longer than electing a leader: a large backlog under tight
 * flow control drains at a bounded rate. So members get this many times the commit bound.
 */
const CATCH_UP_FACTOR = 4

export class LivenessPhase {
  private readonly start: number
  /** Marker proposals made by leaders of this phase, one per leader term. */
  private readonly markers: string[] = []
  private markerTerm = 0

  constructor(private readonly sim: Simulation) {
    this.start = sim.now
    sim.network.heal()
    sim.network.faults = { ...sim.network.faults, dropRate: 0, dupRate: 0 }
  }

  /**
   * One tick of the phase. A leader must commit (and apply) a new entry within `livenessTicks`,
   * and every member must have applied everything committed within CATCH_UP_FACTOR times that.
   * True once both hold; throws a liveness violation when a bound is exceeded.
   */
  tick(): boolean {
    const sim = this.sim
    // Nodes that crashed in the last moments of the fault phase come back too.
    for (const n of sim.nodes) if (!n.alive) sim.restart(n)
    const elapsed = Math.floor((sim.now - this.start) / TICK)
    const lead = sim.leader()
    if (lead !== undefined) {
      operatorLeaveJoint(sim, lead.node)
      if (this.markerTerm !== lead.status.term && !this.markerCommitted()) {
        const marker = `live:${lead.status.term}`
        if (sim.propose(lead.node, marker)) {
          this.markers.push(marker)
          this.markerTerm = lead.status.term
        }
      }
      if (this.markerCommitted() && sim.stats.recoveryTicks < 0) sim.stats.recoveryTicks = elapsed
      if (this.markerCommitted() && this.converged(lead.node)) {
        sim.stats.catchUpTicks = elapsed
        return true
      }
    }
    const limit = sim.stats.recoveryTicks < 0 ? sim.params.livenessTicks : sim.params.livenessTicks * CATCH_UP_FACTOR
    if (elapsed >= limit) {
      const what = sim.stats.recoveryTicks < 0 ? 'no leader committed a new entry' : 'the members did not all catch up with the leader'
      const states = sim.nodes.map((n) => (n.alive ? `${n.id}:${describeBasic(n.rawNode!.basicStatus())}` : `${n.id}:down`)).join(' ')
      throw new SafetyViolation('liveness', `${what} within ${limit} ticks after the faults stopped [${states}]`)
    }
    return false
  }

  /** Some marker was applied by the node that proposed it (the client got its answer). */
  private markerCommitted(): boolean {
    return this.markers.some((m) => !this.sim.pending.has(m))
  }

  /** Every member of the leader's configuration has applied everything the leader committed. */
  private converged(leader: SimNode): boolean {
    const st = leader.rawNode!.status()
    const members = [...st.voters, ...st.votersOutgoing, ...st.learners]
    return members.every((id) => {
      const n = this.sim.node(id)
      return n !== undefined && n.alive && n.rawNode!.basicStatus().applied >= st.commit
    })
  }
}

function describeBasic(s: BasicStatus): string {
  return `${s.role}/t${s.term}/c${s.commit}/a${s.applied}/lead=${s.lead || '-'}`
}
