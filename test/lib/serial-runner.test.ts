import { describe, expect, it } from 'vitest'
import { SerialRunner } from '../../lib/serial-runner.js'

const tick = (): Promise<void> => new Promise((resolve) => setImmediate(resolve))

describe('SerialRunner', () => {
  it('never overlaps runs and folds triggers during a run into one more run', async () => {
    let active = 0
    let maxActive = 0
    let runs = 0
    let release: (() => void) | undefined
    const runner = new SerialRunner(async () => {
      active++
      maxActive = Math.max(maxActive, active)
      runs++
      await new Promise<void>((resolve) => (release = resolve))
      active--
    }, () => {})
    const started = async (n: number): Promise<void> => {
      while (runs < n) await tick()
    }
    runner.trigger()
    runner.trigger()
    await started(1)
    runner.trigger()
    release!()
    await started(2)
    release!()
    await runner.disable()
    expect(runs).toBe(2)
    expect(maxActive).toBe(1)
  })

  it('reports a failing run and keeps serving triggers', async () => {
    const errors: unknown[] = []
    let runs = 0
    const runner = new SerialRunner(async () => {
      runs++
      if (runs === 1) throw new Error('boom')
    }, (err) => errors.push(err))
    runner.trigger()
    await runner.disable()
    runner.enable()
    runner.trigger()
    await runner.disable()
    expect(runs).toBe(2)
    expect((errors[0] as Error).message).toBe('boom')
  })

  it('lets timers fire while a job keeps re-triggering itself, and never nests runs', async () => {
    // The scheduling loop once spun like this on a refused proposal, and the raft tick timer that
    // would have ended the refusal never ran.
    const cap = 100_000
    const errors: unknown[] = []
    let timerFired = false
    let runsWhenFired = 0
    let runs = 0
    let active = 0
    let maxActive = 0
    const runner: SerialRunner = new SerialRunner(async () => {
      runs++
      active++
      maxActive = Math.max(maxActive, active)
      if (!timerFired && runs < cap) runner.trigger()
      await Promise.resolve()
      active--
    }, (err) => errors.push(err))
    setTimeout(() => {
      timerFired = true
      runsWhenFired = runs
    }, 1)
    runner.trigger()
    while (!timerFired) await new Promise((resolve) => setTimeout(resolve, 5))
    await runner.disable()
    expect(errors).toEqual([])
    expect(maxActive).toBe(1)
    expect(runsWhenFired).toBeGreaterThan(0)
    expect(runsWhenFired).toBeLessThan(cap)
  })
})
