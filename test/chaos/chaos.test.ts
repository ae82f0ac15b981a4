import { describe, expect, it } from 'vitest'
import { formatReport, runChaos, scheduleFor } from './chaos-run.js'

// A short, seed-limited chaos run inside `npm test`; `npm run chaos` runs long ones. Seed 282 with
// 7 steps was picked because it hits the leader both ways and partitions a minority:
// kill-leader; isolate-leader; heal; kill-leader; partition {c5,c4}; restart the first killed
// leader; heal. SHOAL_CHAOS_SEED / SHOAL_CHAOS_STEPS replay another one.
const SEED = Number(process.env['SHOAL_CHAOS_SEED'] ?? 282)
const STEPS = Number(process.env['SHOAL_CHAOS_STEPS'] ?? 7)
const pinned = process.env['SHOAL_CHAOS_SEED'] === undefined && process.env['SHOAL_CHAOS_STEPS'] === undefined

describe('chaos', () => {
  // Guards the choice above: a generator change that drops these faults from the seed fails here
  // instead of quietly making the in-test run weaker.
  it.runIf(pinned)('the pinned seed kills the leader, isolates it and partitions a minority', () => {
    const kinds = scheduleFor(SEED, 5, STEPS).map((s) => s.fault.kind)
    expect(kinds).toContain('kill-leader')
    expect(kinds).toContain('isolate-leader')
    expect(kinds).toContain('partition')
    expect(kinds).toContain('restart-killed-leader')
  })

  it('5 agents survive kills, restarts and partitions with every guarantee intact', async () => {
    const report = await runChaos({ seed: SEED, steps: STEPS, agents: 5 })
    process.stderr.write(formatReport(report) + '\n')
    expect(report.checks.map((c) => `${c.name}: ${c.ok ? 'ok' : c.detail}`)).toEqual(report.checks.map((c) => `${c.name}: ok`))
    expect(report.ok).toBe(true)
    expect(report.acked).toBeGreaterThan(20)
    if (pinned) {
      // The leader faults resolved to a real leader at run time, not "no leader".
      expect(report.faults.filter((f) => /^kill-leader c\d$/.test(f))).toHaveLength(2)
      expect(report.faults.some((f) => /^isolate-leader c\d$/.test(f))).toBe(true)
    }
  }, 300_000)
})
