import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { TestAgent } from '../harness/in-process.js'
import { TestCluster } from '../harness/in-process.js'
import { waitFor } from '../harness/wait.js'
import { event, pod, rc } from '../api/helpers.js'
import { CliStream, runCli } from './run-cli.js'

let cluster: TestCluster
let agent: TestAgent
let dir: string

beforeAll(async () => {
  cluster = await TestCluster.start(1)
  agent = cluster.agents[0]!
  dir = await mkdtemp(join(tmpdir(), 'shoal-cli-'))
  const { store } = agent.agent
  await store.create('pods', pod('labelled', { app: 'web' }))
  await store.create('pods', { ...pod('described', { app: 'docs' }), metadata: { name: 'described', labels: { app: 'docs' }, annotations: { note: 'hello' } } })
  await store.create('events', event('described.1', 'described', 'Pulling'))
  await store.create('events', event('other.1', 'someone-else', 'Killing'))
  await store.create('replicationcontrollers', rc('scaled', 0))
})

afterAll(async () => {
  await cluster.close()
  await rm(dir, { recursive: true, force: true })
})

const labels = (name: string): Record<string, string> | undefined => agent.agent.store.get('pods', 'default', name)?.metadata.labels

describe('shoal commands', () => {
  it('label adds and removes labels, and will not change a value without --overwrite', async () => {
    const add = await runCli(agent, ['label', 'pod', 'labelled', 'tier=front', 'track=stable'])
    expect(add).toMatchObject({ code: 0, stdout: 'pod/labelled labeled\n' })
    expect(labels('labelled')).toEqual({ app: 'web', tier: 'front', track: 'stable' })
    const refused = await runCli(agent, ['label', 'po/labelled', 'tier=back'])
    expect(refused.code).toBe(1)
    expect(refused.stderr).toBe("shoal: 'tier' already has a value (front), and --overwrite is false\n")
    expect(labels('labelled')?.['tier']).toBe('front')
    const both = await runCli(agent, ['label', 'pods', 'labelled', 'tier=back', 'track-', '--overwrite'])
    expect(both).toMatchObject({ code: 0, stdout: 'pod/labelled labeled\n' })
    expect(labels('labelled')).toEqual({ app: 'web', tier: 'back' })
  })

  it('describe shows metadata, the pod spec and the events of that object only', async () => {
    const r = await runCli(agent, ['describe', 'pod', 'described'])
    expect(r.code).toBe(0)
    expect(r.stdout).toMatch(/^Name:\s+described$/m)
    expect(r.stdout).toMatch(/^Labels:\s+app=docs$/m)
    expect(r.stdout).toMatch(/^Annotations:\s+note=hello$/m)
    expect(r.stdout).toMatch(/^Containers:\n\s+main:\n\s+Command:\s+sleep 60$/m)
    expect(r.stdout).toMatch(/^Events:\n\s+Type\s+Reason\s+Age\s+From\s+Message\n.*\n\s+Normal\s+Pulling\s+\d+s\s+Pulling described$/m)
    expect(r.stdout).not.toContain('Killing')
  })

  it('scale sets the replicas through the scale subresource; run creates a controller labelled run=NAME', async () => {
    const scaled = await runCli(agent, ['scale', 'rc', 'scaled', '--replicas', '3'])
    expect(scaled).toMatchObject({ code: 0, stdout: 'replicationcontroller/scaled scaled\n' })
    expect((agent.agent.store.get('replicationcontrollers', 'default', 'scaled')?.spec as { replicas: number }).replicas).toBe(3)
    const [, run] = await Promise.all([
      runCli(agent, ['scale', 'rc/scaled', '--replicas', '0']),
      runCli(agent, ['run', 'hello', '--command', 'python3 -m http.server $PORT', '--port', '8000', '--replicas', '0', '--labels', 'team=a']),
    ])
    expect(run).toMatchObject({ code: 0, stdout: 'replicationcontroller/hello created\n' })
    const created = agent.agent.store.get('replicationcontrollers', 'default', 'hello')!
    expect(created.metadata.labels).toEqual({ run: 'hello', team: 'a' })
    expect(created.spec).toMatchObject({
      replicas: 0,
      selector: { run: 'hello' },
      template: { spec: { runtimeClassName: 'process', containers: [{ name: 'hello', command: ['sh', '-c', 'python3 -m http.server $PORT'], ports: [{ containerPort: 8000 }] }] } },
    })
  })

  it('delete -f removes the objects of a manifest, and deleting them again fails with the server message', async () => {
    const file = join(dir, 'doomed.yaml')
    await writeFile(file, 'apiVersion: v1\nkind: Service\nmetadata: {name: doomed-a}\nspec: {ports: [{port: 80}]}\n---\napiVersion: v1\nkind: Service\nmetadata: {name: doomed-b}\nspec: {ports: [{port: 80}]}\n')
    expect((await runCli(agent, ['apply', '-f', file])).code).toBe(0)
    const del = await runCli(agent, ['delete', '-f', file])
    expect(del).toMatchObject({ code: 0, stdout: 'service "doomed-b" deleted\nservice "doomed-a" deleted\n' })
    expect(agent.agent.store.get('services', 'default', 'doomed-a')).toBeUndefined()
    const [again, ignored] = await Promise.all([runCli(agent, ['delete', 'svc', 'doomed-a']), runCli(agent, ['delete', 'svc', 'doomed-a', '--ignore-not-found'])])
    expect(again.code).toBe(1)
    expect(again.stderr).toBe('Error from server (NotFound): services "doomed-a" not found\n')
    expect(ignored).toMatchObject({ code: 0, stderr: '' })
  })

  it('fails with one line and a non-zero exit for unknown kinds, missing objects and bad selectors', async () => {
    const results = await Promise.all([
      runCli(agent, ['get', 'widgets']),
      runCli(agent, ['get', 'pod', 'ghost']),
      runCli(agent, ['get', 'pods', '-l', 'app in (']),
      runCli(agent, ['describe', 'rc', 'ghost']),
    ])
    for (const r of results) {
      expect(r.code, r.stderr).not.toBe(0)
      expect(r.stderr.trim().split('\n'), r.stderr).toHaveLength(1)
    }
    expect(results[0]!.stderr).toContain('the server doesn\'t have a resource type "widgets"')
    expect(results[1]!.stderr).toContain('pods "ghost" not found')
    expect(results[2]!.stderr).toMatch(/invalid selector .* at position 8/)
  })

  it('get -w prints the table, then a row per change; -o json prints one event per line', async () => {
    const table = new CliStream(agent, ['get', 'pods', '-w', '-l', 'watch=me'])
    const json = new CliStream(agent, ['get', 'pods', '-w', '-o', 'json', '-l', 'watch=me'])
    try {
      await waitFor(() => table.lines.length >= 1, { timeoutMs: 15_000 })
      await agent.agent.store.create('pods', pod('watched', { watch: 'me' }))
      await waitFor(() => table.lines.length >= 2 && json.lines.length >= 1, { timeoutMs: 15_000 })
      expect(table.lines[0]!.split(/\s{2,}/)).toEqual(['NAME', 'READY', 'STATUS', 'RESTARTS', 'AGE'])
      expect(table.lines[1]).toMatch(/^watched\s+0\/1\s+Pending/)
      expect(JSON.parse(json.lines[0]!)).toMatchObject({ type: 'ADDED', object: { metadata: { name: 'watched' } } })
    } finally {
      await Promise.all([table.stop(), json.stop()])
    }
  })
})
