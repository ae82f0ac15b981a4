import { describe, expect, it } from 'vitest'
import { formatReport, runChaos } from './chaos-run.js'

// A short, seed-limited chaos run inside `npm test`; `npm run chaos` runs long ones.
describe('chaos', () => {
  it('5 agents survive kills, restarts and partitions with every guarantee intact', async () => {
    const seed = Number(process.env['SHOAL_CHAOS_SEED'] ?? 7)
    const report = await runChaos({ seed, steps: 6, agents: 5 })
    process.stderr.write(formatReport(report) + '\n')
    expect(report.checks.map((c) => `${c.name}: ${c.ok ? 'ok' : c.detail}`)).toEqual(report.checks.map((c) => `${c.name}: ok`))
    expect(report.ok).toBe(true)
    expect(report.acked).toBeGreaterThan(20)
  }, 240_000)
})
