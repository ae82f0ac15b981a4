import { mkdtemp, rm, writeFile, mkdir } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parse } from 'yaml'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { KubeObject } from '../../crdt/index.js'
import type { TestAgent } from '../harness/in-process.js'
import { TestCluster } from '../harness/in-process.js'
import { runCli } from './run-cli.js'

let cluster: TestCluster
let agent: TestAgent
let dir: string

const NOWHERE = 'nodeSelector: {test.shoal.io/nowhere: "true"}'

/** A namespace, a pod, a service and a replication controller in one multi-document file. */
function manifest(serviceLabel: string): string {
  return `apiVersion: v1
kind: Namespace
metadata: {name: cli-apply}
---
apiVersion: v1
kind: Pod
metadata: {name: web-1, namespace: cli-apply, labels: {app: standalone}}
spec:
  ${NOWHERE}
  containers: [{name: web, command: [sleep, "60"]}]
---
# an empty document is skipped
---
apiVersion: v1
kind: Service
metadata: {name: web, namespace: cli-apply, labels: {edition: "${serviceLabel}"}}
spec: {selector: {app: web}, ports: [{port: 80}]}
---
apiVersion: v1
kind: ReplicationController
metadata: {name: web, namespace: cli-apply}
spec:
  replicas: 0
  selector: {app: web}
  template:
    metadata: {labels: {app: web}}
    spec:
      ${NOWHERE}
      containers: [{name: web, command: [sleep, "60"]}]
`
}

beforeAll(async () => {
  cluster = await TestCluster.start(1)
  agent = cluster.agents[0]!
  dir = await mkdtemp(join(tmpdir(), 'shoal-cli-'))
})

afterAll(async () => {
  await cluster.close()
  await rm(dir, { recursive: true, force: true })
})

describe('shoal apply', () => {
  it('creates, then leaves unchanged, then configures what an edit changed', async () => {
    const file = join(dir, 'app.yaml')
    await writeFile(file, manifest('one'))
    const first = await runCli(agent, ['apply', '-f', file])
    expect(first.stderr).toBe('')
    expect(first.code).toBe(0)
    expect(first.stdout.trim().split('\n')).toEqual(['namespace/cli-apply created', 'pod/web-1 created', 'service/web created', 'replicationcontroller/web created'])

    const again = await runCli(agent, ['apply', '-f', file])
    expect(again.stdout.trim().split('\n')).toEqual(['namespace/cli-apply unchanged', 'pod/web-1 unchanged', 'service/web unchanged', 'replicationcontroller/web unchanged'])

    await writeFile(file, manifest('two'))
    const edited = await runCli(agent, ['apply', '-f', file])
    expect(edited.stdout.trim().split('\n')).toEqual(['namespace/cli-apply unchanged', 'pod/web-1 unchanged', 'service/web configured', 'replicationcontroller/web unchanged'])
    expect(agent.agent.store.get('services', 'cli-apply', 'web')?.metadata.labels).toEqual({ edition: 'two' })
  })

  it('reads a directory in name order, List objects, JSON and stdin', async () => {
    const sub = join(dir, 'tree')
    await mkdir(sub)
    await writeFile(join(sub, 'b.json'), JSON.stringify({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'from-json', namespace: 'cli-dir' }, spec: { ports: [{ port: 81 }] } }))
    await writeFile(join(sub, 'a.yaml'), 'apiVersion: v1\nkind: List\nitems:\n- {apiVersion: v1, kind: Namespace, metadata: {name: cli-dir}}\n')
    await writeFile(join(sub, 'notes.txt'), 'not a manifest')
    const r = await runCli(agent, ['apply', '-f', sub])
    expect(r.stdout.trim().split('\n')).toEqual(['namespace/cli-dir created', 'service/from-json created'])
    const piped = await runCli(agent, ['apply', '-f', '-', '-n', 'cli-dir'], 'kind: Service\napiVersion: v1\nmetadata: {name: from-stdin}\nspec: {ports: [{port: 82}]}\n')
    expect(piped.stdout.trim()).toBe('service/from-stdin created')
    expect(agent.agent.store.get('services', 'cli-dir', 'from-stdin')).toBeDefined()
  })

  it("prints the server's message for a bad object, applies the rest, and exits non-zero", async () => {
    const file = join(dir, 'mixed.yaml')
    await writeFile(file, 'apiVersion: v1\nkind: Service\nmetadata: {name: Bad_Name}\nspec: {ports: [{port: 0}]}\n---\napiVersion: v1\nkind: Service\nmetadata: {name: good-one}\nspec: {ports: [{port: 80}]}\n')
    const r = await runCli(agent, ['apply', '-f', file])
    expect(r.code).toBe(1)
    expect(r.stdout.trim()).toBe('service/good-one created')
    const lines = r.stderr.trim().split('\n')
    expect(lines).toHaveLength(1)
    expect(lines[0]).toMatch(/^Error from server .* is invalid: .*metadata\.name.*spec\.ports\[0\]\.port/)
    expect(agent.agent.store.get('services', 'default', 'Bad_Name')).toBeUndefined()
  })

  it('reports a file that is not YAML with its name, and a missing file', async () => {
    const file = join(dir, 'broken.yaml')
    await writeFile(file, 'kind: Service\nmetadata: [unclosed\n')
    const r = await runCli(agent, ['apply', '-f', file, '-f', join(dir, 'missing.yaml')])
    expect(r.code).toBe(1)
    const lines = r.stderr.trim().split('\n')
    expect(lines).toHaveLength(2)
    expect(lines[0]).toContain('broken.yaml')
    expect(lines[1]).toContain('missing.yaml: no such file or directory')
  })

  it('shows what it applied with get -o json, yaml, name and wide', async () => {
    const [json, yaml, name, wide, all] = await Promise.all([
      runCli(agent, ['get', 'pods', '-n', 'cli-apply', '-o', 'json']),
      runCli(agent, ['get', 'svc', 'web', '-n', 'cli-apply', '-o', 'yaml']),
      runCli(agent, ['get', 'po', '-n', 'cli-apply', '-o', 'name']),
      runCli(agent, ['get', 'pods', '-n', 'cli-apply', '-o', 'wide']),
      runCli(agent, ['get', 'svc', '-A', '-l', 'edition']),
    ])
    const list = JSON.parse(json.stdout) as { kind: string; items: KubeObject[] }
    expect(list.kind).toBe('PodList')
    expect(list.items.map((p) => p.metadata.name)).toEqual(['web-1'])
    expect((parse(yaml.stdout) as KubeObject).metadata).toMatchObject({ name: 'web', namespace: 'cli-apply', labels: { edition: 'two' } })
    expect(name.stdout).toBe('pod/web-1\n')
    const [header, row] = wide.stdout.trim().split('\n')
    expect(header!.split(/\s{2,}/)).toEqual(['NAME', 'READY', 'STATUS', 'RESTARTS', 'AGE', 'IP', 'NODE'])
    expect(row).toMatch(/^web-1\s+0\/1\s+Pending\s+0\s+\d+s\s+<none>\s+<none>$/)
    const svc = all.stdout.trim().split('\n')
    expect(svc[0]!.split(/\s{2,}/)).toEqual(['NAMESPACE', 'NAME', 'TYPE', 'PORT(S)', 'SELECTOR', 'AGE'])
    expect(svc[1]).toMatch(/^cli-apply\s+web\s+ClusterIP\s+80\/TCP\s+app=web\s+\d+s$/)
  })
})
