import type { Prng } from '../../lib/prng.js'

export type Fault =
  | { kind: 'kill'; target: number }
  | { kind: 'kill-leader' }
  | { kind: 'restart'; target: number }
  /** Restart whichever agent the kill-leader at step `killedAt` killed (known only at run time). */
  | { kind: 'restart-killed-leader'; killedAt: number }
  | { kind: 'graceful-restart'; target: number }
  | { kind: 'partition'; minority: number[] }
  | { kind: 'isolate-leader' }
  | { kind: 'heal' }

export interface ScheduledFault {
  fault: Fault
  /** Pause after the fault, in ms, before the next one. */
  pauseMs: number
}

/** Most agents the schedule ever has down at once: 5 agents keep 3 up, a Raft quorum of 5 voters. */
export const MAX_DOWN = 2

/**
 * One agent the schedule has killed and not yet restarted. A kill-leader's victim is unknown until
 * the run resolves it, so it is kept as its own token (the step that killed it) rather than guessed:
 * only the matching `restart-killed-leader` brings it back, which keeps the down count exact.
 */
export type DownToken = { agent: number } | { killedAt: number }

/**
 * A seeded fault schedule over `n` agents. It tracks what it has killed so the plan stays sensible:
 * at most MAX_DOWN down at once, restarts only of agents it killed, partitions and heals alternate.
 * It is pure: the same seed always gives the same schedule, which is what makes a failing seed
 * replayable. The run maps kill-leader victims to agents (see FaultResolver).
 */
export function faultSchedule(prng: Prng, n: number, steps: number): ScheduledFault[] {
  const down: DownToken[] = []
  let partitioned = false
  const out: ScheduledFault[] = []
  const knownDown = (i: number): boolean => down.some((d) => 'agent' in d && d.agent === i)
  const alive = (): number[] => [...Array(n).keys()].filter((i) => !knownDown(i))
  for (let s = 0; s < steps; s++) {
    const options: Fault['kind'][] = []
    // Small clusters (n <= MAX_DOWN) could run out of agents the schedule knows to be alive.
    const someAlive = alive().length > 0
    if (down.length < MAX_DOWN && someAlive) options.push('kill', 'kill', 'kill-leader')
    if (down.length > 0) options.push('restart', 'restart')
    // A graceful restart takes its agent down for a few seconds too, so it also needs room.
    if (down.length < MAX_DOWN && someAlive) options.push('graceful-restart')
    if (!partitioned) options.push('partition', 'isolate-leader')
    else options.push('heal', 'heal')
    const kind = prng.pick(options)
    let fault: Fault
    switch (kind) {
      case 'kill': {
        // A kill-leader victim may be among these; the run then skips the kill, so the real down
        // count can only be lower than this one.
        const t = prng.pick(alive())
        down.push({ agent: t })
        fault = { kind, target: t }
        break
      }
      case 'kill-leader':
        down.push({ killedAt: s })
        fault = { kind }
        break
      case 'restart': {
        const token = down.splice(prng.int(0, down.length), 1)[0]!
        fault = 'agent' in token ? { kind: 'restart', target: token.agent } : { kind: 'restart-killed-leader', killedAt: token.killedAt }
        break
      }
      case 'graceful-restart':
        fault = { kind, target: prng.pick(alive()) }
        break
      case 'partition': {
        // A minority of 1 or 2: the majority side keeps the quorum unless kills take it away.
        const size = prng.int(1, 3)
        fault = { kind, minority: prng.shuffle([...Array(n).keys()]).slice(0, size) }
        partitioned = true
        break
      }
      case 'isolate-leader':
        fault = { kind }
        partitioned = true
        break
      default:
        fault = { kind: 'heal' }
        partitioned = false
    }
    out.push({ fault, pauseMs: prng.int(1000, 3000) })
  }
  return out
}

export function describeFault(f: Fault): string {
  switch (f.kind) {
    case 'kill':
    case 'restart':
    case 'graceful-restart':
      return `${f.kind} c${f.target + 1}`
    case 'restart-killed-leader':
      return `restart the leader killed at step ${f.killedAt + 1}`
    case 'partition':
      return `partition {${f.minority.map((i) => `c${i + 1}`).join(',')}} from the rest`
    default:
      return f.kind
  }
}
