import type { Fault } from './fault-schedule.js'
import { describeFault } from './fault-schedule.js'

/** One scheduled fault made concrete: every agent named by its index. */
export type Action =
  | { kind: 'kill'; target: number; what: string }
  | { kind: 'restart'; target: number; what: string }
  | { kind: 'graceful-restart'; target: number; what: string }
  | { kind: 'partition'; groups: number[][]; what: string }
  | { kind: 'heal'; what: string }
  | { kind: 'skip'; what: string }

/** What the run knows when it applies a fault: who is up, and who leads (if anyone). */
export interface World {
  running(agent: number): boolean
  leader: number | undefined
}

/**
 * Turns scheduled faults into actions at run time. It remembers which agent each kill-leader
 * killed, so `restart-killed-leader` restarts exactly that agent and no other (the old runner
 * cleared every kill-leader at the first restart, letting 3 of 5 agents be down). It is pure, so
 * the schedule test can drive it with any leader choice.
 */
export class FaultResolver {
  private readonly victims = new Map<number, number>()

  constructor(private readonly n: number) {}

  /** The agent the kill-leader at `step` killed, if it killed one. */
  victimOf(step: number): number | undefined {
    return this.victims.get(step)
  }

  resolve(step: number, fault: Fault, world: World): Action {
    const name = (i: number): string => `c${i + 1}`
    switch (fault.kind) {
      case 'kill':
        return world.running(fault.target) ? { kind: 'kill', target: fault.target, what: describeFault(fault) } : { kind: 'skip', what: `${describeFault(fault)} (already down)` }
      case 'kill-leader':
        if (world.leader === undefined) return { kind: 'skip', what: 'kill-leader (no leader to kill)' }
        this.victims.set(step, world.leader)
        return { kind: 'kill', target: world.leader, what: `kill-leader ${name(world.leader)}` }
      case 'restart':
        return world.running(fault.target) ? { kind: 'skip', what: `${describeFault(fault)} (already up)` } : { kind: 'restart', target: fault.target, what: describeFault(fault) }
      case 'restart-killed-leader': {
        const victim = this.victims.get(fault.killedAt)
        if (victim === undefined) return { kind: 'skip', what: `${describeFault(fault)} (it killed none)` }
        if (world.running(victim)) return { kind: 'skip', what: `${describeFault(fault)} (${name(victim)} already up)` }
        return { kind: 'restart', target: victim, what: `restart ${name(victim)} (leader killed at step ${fault.killedAt + 1})` }
      }
      case 'graceful-restart':
        return world.running(fault.target) ? { kind: 'graceful-restart', target: fault.target, what: describeFault(fault) } : { kind: 'skip', what: `${describeFault(fault)} (already down)` }
      case 'partition': {
        const rest = [...Array(this.n).keys()].filter((i) => !fault.minority.includes(i))
        return { kind: 'partition', groups: [fault.minority, rest], what: describeFault(fault) }
      }
      case 'isolate-leader': {
        const leader = world.leader
        if (leader === undefined) return { kind: 'skip', what: 'isolate-leader (no leader)' }
        const rest = [...Array(this.n).keys()].filter((i) => i !== leader)
        return { kind: 'partition', groups: [[leader], rest], what: `isolate-leader ${name(leader)}` }
      }
      case 'heal':
        return { kind: 'heal', what: 'heal' }
    }
  }
}
