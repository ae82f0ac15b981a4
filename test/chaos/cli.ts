import { formatReport, runChaos } from './chaos-run.js'

// `npm run chaos -- [--seed S] [--seeds N] [--steps K] [--agents N]`: long chaos runs outside npm test.
function arg(name: string): number | undefined {
  const i = process.argv.indexOf(`--${name}`)
  return i >= 0 ? Number(process.argv[i + 1]) : undefined
}

const first = arg('seed') ?? Math.floor(Math.random() * 1_000_000)
const seeds = arg('seeds') ?? 1
const steps = arg('steps') ?? 20
const agents = arg('agents') ?? 5
let failed = 0
for (let seed = first; seed < first + seeds; seed++) {
  const report = await runChaos({ seed, steps, agents, log: (l) => process.stderr.write(l + '\n') })
  process.stdout.write(formatReport(report) + '\n')
  if (!report.ok) failed++
}
process.stdout.write(`${seeds - failed} passed, ${failed} failed\n`)
process.exit(failed === 0 ? 0 : 1)
