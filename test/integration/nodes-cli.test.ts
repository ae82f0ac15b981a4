import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { CliStream, runCli } from '../cli/run-cli.js'
import { listNodes } from '../harness/api.js'
import { TestCluster } from '../harness/in-process.js'
import { waitFor } from '../harness/wait.js'

let cluster: TestCluster

beforeAll(async () => {
  cluster = await TestCluster.create()
  await cluster.add({ name: 'z1a', config: { labels: { zone: 'z1' } } })
  await cluster.add({ name: 'z2a', config: { labels: { zone: 'z2' } } })
  await waitFor(async () => (await listNodes(cluster.agents[0]!.api)).filter((n) => n.ready === 'True').length === 2, { message: 'both nodes Ready' })
})

afterAll(async () => {
  await cluster.close()
})

describe('shoal get nodes', () => {
  it('-l and --field-selector narrow the list', async () => {
    const agent = cluster.agents[0]!
    const [byLabel, byField, none] = await Promise.all([
      runCli(agent, ['get', 'nodes', '-l', 'zone=z1', '-o', 'name']),
      runCli(agent, ['get', 'nodes', '--field-selector', 'metadata.name=z2a', '-o', 'name']),
      runCli(agent, ['get', 'nodes', '-l', 'zone=z9']),
    ])
    expect(byLabel).toMatchObject({ code: 0, stdout: 'node/z1a\n' })
    expect(byField).toMatchObject({ code: 0, stdout: 'node/z2a\n' })
    expect(none.code).toBe(0)
    expect(none.stderr).toContain('No resources found')
  })

  it('-w lists, then prints a row when a node changes state', async () => {
    const agent = cluster.agents[0]!
    const watch = new CliStream(agent, ['get', 'nodes', '-w', '-l', 'zone=z2'])
    try {
      await waitFor(() => watch.lines.length >= 2, { timeoutMs: 15_000, message: 'initial table' })
      expect(watch.lines[0]).toMatch(/^NAME\s+STATUS/)
      expect(watch.lines[1]).toMatch(/^z2a\s+Ready/)
      await cluster.get('z2a').stop()
      await waitFor(() => watch.lines.some((l) => /^z2a\s+NotReady/.test(l)), { timeoutMs: 15_000, message: 'z2a NotReady row' })
    } finally {
      await watch.stop()
    }
  })
})
