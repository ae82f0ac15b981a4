import { describe, expect, it } from 'vitest'
import { probeTiming } from '../../node/workloads/probes/probe-timing.js'
import { ResultStreak } from '../../node/workloads/probes/result-streak.js'

describe('result streak', () => {
  it('settles on success only after successThreshold successes in a row', () => {
    const s = new ResultStreak(2, 3, false)
    expect(s.observe(true)).toBeUndefined()
    expect(s.observe(false)).toBeUndefined()
    expect(s.observe(true)).toBeUndefined()
    expect(s.observe(true)).toBe(true)
    expect(s.observe(true)).toBeUndefined()
    expect(s.outcome).toBe(true)
  })

  it('settles on failure only after failureThreshold failures in a row, then recovers', () => {
    const s = new ResultStreak(1, 3, true)
    const seen = [false, false, true, false, false, false, false].map((ok) => s.observe(ok))
    expect(seen).toEqual([undefined, undefined, undefined, undefined, undefined, false, undefined])
    expect(s.observe(true)).toBe(true)
  })

  it('settles from unknown on the first threshold reached, as a startup probe does', () => {
    const s = new ResultStreak(1, 2, undefined)
    expect(s.outcome).toBeUndefined()
    expect(s.observe(false)).toBeUndefined()
    expect(s.observe(false)).toBe(false)
  })
})

describe('probe timing', () => {
  it('fills in the Kubernetes defaults', () => {
    expect(probeTiming('readiness', {})).toEqual({ initialDelayMs: 0, periodMs: 10_000, timeoutMs: 1000, successThreshold: 1, failureThreshold: 3 })
  })

  it('scales every duration and keeps liveness and startup at one success', () => {
    const probe = { initialDelaySeconds: 5, periodSeconds: 2, timeoutSeconds: 3, successThreshold: 4, failureThreshold: 6 }
    expect(probeTiming('liveness', probe, 0.01)).toEqual({ initialDelayMs: 50, periodMs: 20, timeoutMs: 30, successThreshold: 1, failureThreshold: 6 })
    expect(probeTiming('startup', probe).successThreshold).toBe(1)
    expect(probeTiming('readiness', probe).successThreshold).toBe(4)
  })

  it('clamps values below the API minimums', () => {
    expect(probeTiming('readiness', { periodSeconds: 0, failureThreshold: 0, initialDelaySeconds: -3 })).toMatchObject({ periodMs: 1000, failureThreshold: 1, initialDelayMs: 0 })
  })
})
