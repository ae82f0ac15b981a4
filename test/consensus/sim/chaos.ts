// Fault injection and the "operator" of the simulated cluster: one decision round per tick during
// the fault phase. Every choice comes from the simulation's seeded PRNG.

import type { ConfChange, ConfChangeSingle, ConfChangeTransition } from '../../../consensus/core/conf-change.js'
import { leaveJointConfChange } from '../../../consensus/core/conf-change.js'
import { ConfChangeInvalidError, ConfChangePendingError, ProposalDroppedError, ReadIndexDroppedError } from '../../../consensus/core/errors.js'
import type { NodeId } from '../../../consensus/core/types.js'
import type { SimNode } from './sim-node.js'
import type { Simulation } from './simulation.js'

const encoder = new TextEncoder()

export function chaosTick(sim: Simulation): void {
  const p = sim.params
  const rng = sim.prng
  const alive = sim.nodes.filter((n) => n.alive)

  if (alive.length > 0 && rng.chance(p.pPropose)) sim.propose(rng.pick(alive), `p:${sim.proposalSeq++}`)

  if (alive.length > 0 && rng.chance(p.pCrash)) {
    // Leaders fail more interestingly than followers; bias towards them.
    const lead = sim.leader()
    const victim = lead !== undefined && rng.chance(0.4) ? lead.node : rng.pick(alive)
    victim.crash()
  }
  for (const n of sim.nodes) if (!n.alive && rng.chance(p.pRestart)) sim.restart(n)

  if (!sim.network.partitioned()) {
    if (rng.chance(p.pPartition)) partition(sim)
  } else if (rng.chance(p.pHeal)) {
    sim.network.heal()
  }

  if (rng.chance(p.pConfChange)) {
    const lead = sim.leader()
    if (lead !== undefined) proposeMembershipChange(sim, lead.node)
  }

  if (alive.length > 0 && rng.chance(p.pCompact)) {
    const n = rng.pick(alive)
    if (n.alive && n.pendingReady === undefined) n.compact(rng.int(0, 6))
  }

  if (rng.chance(p.pTransfer)) {
    const lead = sim.leader()
    if (lead !== undefined) {
      const voters = lead.node.rawNode!.status().voters.filter((id) => id !== lead.node.id)
      if (voters.length > 0) {
        lead.node.rawNode!.transferLeader(rng.pick(voters))
        sim.scheduleReady(lead.node)
      }
    }
  }

  const readers = sim.nodes.filter((n) => n.alive)
  if (readers.length > 0 && rng.chance(p.pRead)) {
    const n = rng.pick(readers)
    const ctx = `r:${sim.readSeq++}`
    try {
      n.rawNode!.readIndex(encoder.encode(ctx))
      sim.checker.onReadIssued(ctx)
      sim.scheduleReady(n)
    } catch (err) {
      if (!(err instanceof ReadIndexDroppedError)) throw err
    }
  }
}

function partition(sim: Simulation): void {
  const rng = sim.prng
  const ids = sim.nodes.map((n) => n.id)
  const kind = rng.int(0, 3)
  const lead = sim.leader()
  if (kind === 0 && lead !== undefined) {
    // The leader alone in a minority.
    sim.network.split([[lead.node.id], ids.filter((id) => id !== lead.node.id)])
  } else if (kind === 1) {
    const shuffled = rng.shuffle(ids.slice())
    const k = rng.int(1, shuffled.length)
    sim.network.split([shuffled.slice(0, k), shuffled.slice(k)])
  } else {
    // Asymmetric: some links work in one direction only.
    for (let i = rng.int(1, 4); i > 0; i--) {
      const a = rng.pick(ids)
      const b = rng.pick(ids)
      if (a !== b) sim.network.cutOneWay(a, b)
    }
  }
}

/**
 * Propose a random membership change at the leader, as an autopilot would: add a learner, promote,
 * demote, remove, or two of those at once through joint consensus. Changes the core refuses
 * (pending, invalid, dropped) are simply not made.
 */
function proposeMembershipChange(sim: Simulation, leader: SimNode): void {
  const rng = sim.prng
  const st = leader.rawNode!.status()
  if (st.votersOutgoing.length > 0) {
    if (!st.autoLeave) tryConfChange(sim, leader, leaveJointConfChange())
    return
  }
  const voters = new Set(st.voters)
  const learners = new Set(st.learners)
  const options: ConfChangeSingle[] = []
  for (const n of sim.nodes) {
    const id: NodeId = n.id
    if (!voters.has(id) && !learners.has(id)) options.push({ type: 'add-learner', nodeId: id })
    if (learners.has(id) && voters.size < 7) options.push({ type: 'add-node', nodeId: id })
    if (voters.has(id) && voters.size > 1) options.push({ type: 'add-learner', nodeId: id }, { type: 'remove-node', nodeId: id })
    if (learners.has(id)) options.push({ type: 'remove-node', nodeId: id })
  }
  if (options.length === 0) return
  const first = rng.pick(options)
  const changes = [first]
  if (rng.chance(0.3)) {
    const others = options.filter((o) => o.nodeId !== first.nodeId)
    if (others.length > 0) changes.push(rng.pick(others))
  }
  const transitions: ConfChangeTransition[] = ['auto', 'auto', 'joint-implicit', 'joint-explicit']
  tryConfChange(sim, leader, { transition: rng.pick(transitions), changes })
}

/** In the liveness phase the operator still finishes an explicit joint change. */
export function operatorLeaveJoint(sim: Simulation, leader: SimNode): void {
  const st = leader.rawNode!.status()
  if (st.votersOutgoing.length > 0 && !st.autoLeave) tryConfChange(sim, leader, leaveJointConfChange())
}

function tryConfChange(sim: Simulation, leader: SimNode, cc: ConfChange): void {
  try {
    leader.rawNode!.proposeConfChange(cc)
    sim.stats.confChanges++
    sim.scheduleReady(leader)
  } catch (err) {
    if (err instanceof ProposalDroppedError || err instanceof ConfChangePendingError || err instanceof ConfChangeInvalidError) return
    throw err
  }
}
