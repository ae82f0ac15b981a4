import { describe, expect, it } from 'vitest'
import { Prng } from '../../lib/prng.js'
import type { Action } from './fault-resolver.js'
import { FaultResolver } from './fault-resolver.js'
import type { DownToken, ScheduledFault } from './fault-schedule.js'
import { faultSchedule, MAX_DOWN } from './fault-schedule.js'

const N = 5
const SEEDS = 2000
const STEPS = 30

/** Replays a schedule's own bookkeeping and returns the first broken rule, if any. */
function scheduleViolation(schedule: ScheduledFault[], n: number): string | undefined {
  const down: DownToken[] = []
  let partitioned = false
  for (const [s, { fault, pauseMs }] of schedule.entries()) {
    const at = `step ${s + 1} (${fault.kind})`
    if (pauseMs < 1000 || pauseMs >= 3000) return `${at}: pause ${pauseMs}`
    switch (fault.kind) {
      case 'kill':
        if (down.some((d) => 'agent' in d && d.agent === fault.target)) return `${at}: kills c${fault.target + 1}, already down`
        down.push({ agent: fault.target })
        break
      case 'kill-leader':
        down.push({ killedAt: s })
        break
      case 'restart': {
        const i = down.findIndex((d) => 'agent' in d && d.agent === fault.target)
        if (i < 0) return `${at}: restarts c${fault.target + 1}, which it never killed`
        down.splice(i, 1)
        break
      }
      case 'restart-killed-leader': {
        const i = down.findIndex((d) => 'killedAt' in d && d.killedAt === fault.killedAt)
        if (i < 0 || schedule[fault.killedAt]?.fault.kind !== 'kill-leader') return `${at}: no outstanding kill-leader at step ${fault.killedAt + 1}`
        down.splice(i, 1)
        break
      }
      case 'graceful-restart':
        if (down.length >= MAX_DOWN) return `${at}: with ${down.length} down already`
        break
      case 'partition':
      case 'isolate-leader':
        if (partitioned) return `${at}: while partitioned`
        if (fault.kind === 'partition') {
          const m = new Set(fault.minority)
          if (m.size !== fault.minority.length || m.size < 1 || m.size * 2 >= n || fault.minority.some((i) => i < 0 || i >= n)) return `${at}: minority ${fault.minority.join(',')}`
        }
        partitioned = true
        break
      case 'heal':
        if (!partitioned) return `${at}: nothing to heal`
        partitioned = false
    }
    if (down.length > MAX_DOWN) return `${at}: ${down.length} down`
  }
  return undefined
}

/** Runs a schedule against a simulated cluster, the leader chosen by `pickLeader`; returns the most agents down at once. */
function maxDownAtRunTime(schedule: ScheduledFault[], n: number, pickLeader: (running: number[]) => number | undefined): number {
  const up = new Set([...Array(n).keys()])
  const resolver = new FaultResolver(n)
  let worst = 0
  for (const [s, { fault }] of schedule.entries()) {
    const action: Action = resolver.resolve(s, fault, { running: (i) => up.has(i), leader: pickLeader([...up]) })
    if (action.kind === 'kill') {
      expect(up.has(action.target)).toBe(true)
      up.delete(action.target)
    }
    if (action.kind === 'restart') {
      expect(up.has(action.target)).toBe(false)
      up.add(action.target)
    }
    // A graceful restart is down for a moment too.
    const downNow = n - up.size + (action.kind === 'graceful-restart' ? 1 : 0)
    worst = Math.max(worst, downNow)
  }
  return worst
}

describe('fault schedule', () => {
  it(`keeps its own rules over ${SEEDS} seeds: at most ${MAX_DOWN} down, restarts only of what it killed, partitions and heals alternate`, () => {
    const broken: string[] = []
    for (let seed = 1; seed <= SEEDS; seed++) {
      const v = scheduleViolation(faultSchedule(new Prng(seed), N, STEPS), N)
      if (v !== undefined) broken.push(`seed ${seed}: ${v}`)
    }
    expect(broken.slice(0, 5)).toEqual([])
  })

  it(`never has more than ${MAX_DOWN} of ${N} agents down at run time, whoever leads, so a quorum of 3 stays up`, () => {
    const leaderChoices: Record<string, (prng: Prng) => (running: number[]) => number | undefined> = {
      random: (prng) => (running) => (prng.chance(0.1) || running.length === 0 ? undefined : prng.pick(running)),
      // The lowest index collides most with the schedule's own kill targets.
      lowest: () => (running) => (running.length === 0 ? undefined : Math.min(...running)),
      highest: () => (running) => (running.length === 0 ? undefined : Math.max(...running)),
    }
    for (const [label, choice] of Object.entries(leaderChoices)) {
      const over: string[] = []
      for (let seed = 1; seed <= SEEDS; seed++) {
        const worst = maxDownAtRunTime(faultSchedule(new Prng(seed), N, STEPS), N, choice(new Prng(seed * 31 + 1)))
        if (worst > MAX_DOWN) over.push(`seed ${seed}: ${worst} down`)
      }
      expect({ label, over: over.slice(0, 5), count: over.length }).toEqual({ label, over: [], count: 0 })
    }
  })

  it('restarts the agent a kill-leader killed, not another', () => {
    const r = new FaultResolver(N)
    const up = new Set([0, 1, 2, 3, 4])
    const kill = r.resolve(0, { kind: 'kill-leader' }, { running: (i) => up.has(i), leader: 3 })
    expect(kill).toMatchObject({ kind: 'kill', target: 3 })
    up.delete(3)
    expect(r.resolve(1, { kind: 'kill', target: 3 }, { running: (i) => up.has(i), leader: 0 }).kind).toBe('skip')
    expect(r.resolve(2, { kind: 'restart-killed-leader', killedAt: 0 }, { running: (i) => up.has(i), leader: 0 })).toMatchObject({ kind: 'restart', target: 3 })
    expect(r.resolve(3, { kind: 'restart-killed-leader', killedAt: 1 }, { running: (i) => up.has(i), leader: 0 }).kind).toBe('skip')
  })

  it('is deterministic per seed and exercises every kind of fault across seeds', () => {
    expect(faultSchedule(new Prng(42), N, STEPS)).toEqual(faultSchedule(new Prng(42), N, STEPS))
    const kinds = new Set<string>()
    for (let seed = 1; seed <= 200; seed++) for (const f of faultSchedule(new Prng(seed), N, STEPS)) kinds.add(f.fault.kind)
    expect([...kinds].sort()).toEqual(['graceful-restart', 'heal', 'isolate-leader', 'kill', 'kill-leader', 'partition', 'restart', 'restart-killed-leader'])
  })
})
