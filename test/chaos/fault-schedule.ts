import type { Prng } from '../../lib/prng.js'

export type Fault =
  | { kind: 'kill'; target: number }
  | { kind: 'kill-leader' }
  | { kind: 'restart'; target: number }
  | { kind: 'graceful-restart'; target: number }
  | { kind: 'partition'; minority: number[] }
  | { kind: 'isolate-leader' }
  | { kind: 'heal' }

export interface ScheduledFault {
  fault: Fault
  /** Pause after the fault, in ms, before the next one. */
  pauseMs: number
}

/**
 * A seeded fault schedule over `n` agents. It tracks which agents it has killed so the plan stays
 * sensible (at most two down at once, restarts only of dead agents), and it is pure: the same seed
 * always gives the same schedule, which is what makes a failing seed replayable.
 */
export function faultSchedule(prng: Prng, n: number, steps: number): ScheduledFault[] {
  const down = new Set<number>()
  let partitioned = false
  const out: ScheduledFault[] = []
  const alive = (): number[] => [...Array(n).keys()].filter((i) => !down.has(i))
  for (let s = 0; s < steps; s++) {
    const options: Fault['kind'][] = []
    if (down.size < 2) options.push('kill', 'kill', 'kill-leader')
    if (down.size > 0) options.push('restart', 'restart')
    if (alive().length > 0) options.push('graceful-restart')
    if (!partitioned) options.push('partition', 'isolate-leader')
    else options.push('heal', 'heal')
    const kind = prng.pick(options)
    let fault: Fault
    switch (kind) {
      case 'kill': {
        const t = prng.pick(alive())
        down.add(t)
        fault = { kind, target: t }
        break
      }
      case 'kill-leader':
        // Which agent leads is only known at run time; count it as one more down.
        down.add(-1 - s)
        fault = { kind }
        break
      case 'restart': {
        const known = [...down].filter((i) => i >= 0)
        const t = known.length > 0 ? prng.pick(known) : -1
        for (const d of down) if (d < 0) down.delete(d)
        if (t >= 0) down.delete(t)
        fault = { kind, target: t }
        break
      }
      case 'graceful-restart':
        fault = { kind, target: prng.pick(alive()) }
        break
      case 'partition': {
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
    case 'partition':
      return `partition {${f.minority.map((i) => `c${i + 1}`).join(',')}} from the rest`
    default:
      return f.kind
  }
}
