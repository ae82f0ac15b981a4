import { execFile } from 'node:child_process'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { request as httpsRequest } from 'node:https'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { parse } from 'yaml'
import { runCli } from '../cli/run-cli.js'
import { TestCluster } from '../harness/in-process.js'
import { waitFor } from '../harness/wait.js'

const run = promisify(execFile)

let cluster: TestCluster
let caPem: string
let scratch: string

interface HttpsReply {
  status: number
  body: string
  headers: Record<string, string | string[] | undefined>
}

/** An HTTPS request that trusts only the cluster CA, as kubectl does with its kubeconfig. */
function viaTls(path: string, init: { method?: string; host?: string; token?: string; accept?: string; body?: unknown; contentType?: string } = {}): Promise<HttpsReply> {
  const url = new URL(cluster.agents[0]!.agent.apiUrl)
  return new Promise((resolve, reject) => {
    const req = httpsRequest(
      {
        host: init.host ?? url.hostname,
        port: url.port,
        path,
        method: init.method ?? 'GET',
        ca: caPem,
        headers: {
          ...(init.token !== undefined ? { authorization: `Bearer ${init.token}` } : {}),
          ...(init.accept !== undefined ? { accept: init.accept } : {}),
          ...(init.body !== undefined ? { 'content-type': init.contentType ?? 'application/json' } : {}),
        },
      },
      (res) => {
        let body = ''
        res.setEncoding('utf8')
        res.on('data', (c: string) => (body += c))
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body, headers: res.headers }))
      },
    )
    req.on('error', reject)
    req.end(init.body === undefined ? undefined : JSON.stringify(init.body))
  })
}

const TABLE = 'application/json;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json'

beforeAll(async () => {
  cluster = await TestCluster.start(1)
  scratch = await mkdtemp(join(tmpdir(), 'shoal-kube-'))
  const api = cluster.agents[0]!.api
  const ca = await api.get<string>('/shoal/v1/ca.crt')
  expect(ca.status).toBe(200)
  caPem = ca.body
})

afterAll(async () => {
  await cluster.close()
  await rm(scratch, { recursive: true, force: true })
})

describe('Kubernetes clients', () => {
  it('serves HTTPS under the cluster CA on the API port, beside plain HTTP', async () => {
    const api = cluster.agents[0]!.api
    expect(caPem).toMatch(/^-----BEGIN CERTIFICATE-----/)
    const secure = await viaTls('/api/v1/namespaces', { token: api.token })
    expect(secure.status).toBe(200)
    expect(JSON.parse(secure.body)).toMatchObject({ kind: 'NamespaceList' })
    // The certificate names localhost too, and the token is still required over TLS.
    expect((await viaTls('/version', { host: 'localhost', token: api.token })).status).toBe(200)
    expect((await viaTls('/api/v1/pods')).status).toBe(401)
    expect((await api.get('/api/v1/namespaces')).status).toBe(200)
  })

  it('derives the same CA on every node from the cluster key alone', async () => {
    const two = await TestCluster.start(1)
    try {
      const other = await two.agents[0]!.api.get<string>('/shoal/v1/ca.crt')
      // Another cluster (another key) has another CA; this one's is stable across requests.
      expect(other.body).not.toBe(caPem)
      expect((await cluster.agents[0]!.api.get<string>('/shoal/v1/ca.crt')).body).toBe(caPem)
    } finally {
      await two.close()
    }
  })

  it('prints lists as a Table when asked, as kubectl asks, with wide columns at priority 1', async () => {
    const api = cluster.agents[0]!.api
    const pod = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'tabled', labels: { app: 't' } }, spec: { containers: [{ name: 'c', command: ['sleep', '60'] }] } }
    expect((await api.request('POST', '/api/v1/namespaces/default/pods', pod)).status).toBe(201)
    const reply = await viaTls('/api/v1/namespaces/default/pods', { token: api.token, accept: TABLE })
    const table = JSON.parse(reply.body) as { kind: string; columnDefinitions: { name: string; priority: number; format: string }[]; rows: { cells: string[]; object: { kind: string; metadata: { name: string } } }[] }
    expect(table.kind).toBe('Table')
    expect(table.columnDefinitions.map((c) => c.name)).toEqual(['NAME', 'READY', 'STATUS', 'RESTARTS', 'AGE', 'IP', 'NODE'])
    expect(table.columnDefinitions.filter((c) => c.priority === 1).map((c) => c.name)).toEqual(['IP', 'NODE'])
    expect(table.columnDefinitions[0]!.format).toBe('name')
    const row = table.rows.find((r) => r.cells[0] === 'tabled')
    expect(row?.object).toMatchObject({ kind: 'PartialObjectMetadata', metadata: { name: 'tabled' } })
    // Without the Accept header the same URL answers the list.
    expect((await api.get<{ kind: string }>('/api/v1/namespaces/default/pods')).body.kind).toBe('PodList')
  })

  it('applies strategic merge patches by merge key, and reports unknown fields by fieldValidation', async () => {
    const api = cluster.agents[0]!.api
    const rc = {
      apiVersion: 'v1',
      kind: 'ReplicationController',
      metadata: { name: 'smp' },
      spec: { replicas: 0, template: { metadata: { labels: { app: 'smp' } }, spec: { containers: [{ name: 'a', command: ['sleep', '1'], env: [{ name: 'X', value: '1' }, { name: 'Y', value: '2' }] }, { name: 'b', command: ['sleep', '2'] }] } } },
    }
    expect((await api.request('POST', '/api/v1/namespaces/default/replicationcontrollers', rc)).status).toBe(201)
    const patch = { spec: { template: { spec: { '$setElementOrder/containers': [{ name: 'a' }, { name: 'b' }], containers: [{ name: 'a', env: [{ name: 'X', value: '9' }] }] } } } }
    const patched = await api.request<typeof rc>('PATCH', '/api/v1/namespaces/default/replicationcontrollers/smp', patch, { contentType: 'application/strategic-merge-patch+json' })
    expect(patched.status).toBe(200)
    expect(patched.body.spec.template.spec.containers).toEqual([
      { name: 'a', command: ['sleep', '1'], env: [{ name: 'X', value: '9' }, { name: 'Y', value: '2' }] },
      { name: 'b', command: ['sleep', '2'] },
    ])

    const url = '/api/v1/namespaces/default/replicationcontrollers/smp'
    const json = { contentType: 'application/json-patch+json' }
    const replaced = await api.request<typeof rc>('PATCH', url, [{ op: 'test', path: '/spec/replicas', value: 0 }, { op: 'replace', path: '/spec/replicas', value: 2 }], json)
    expect(replaced.body.spec.replicas).toBe(2)
    const failed = await api.request('PATCH', url, [{ op: 'test', path: '/spec/replicas', value: 7 }, { op: 'replace', path: '/spec/replicas', value: 5 }], json)
    expect(failed.status).toBe(422)
    expect((await api.request('PATCH', url, [{ op: 'jump', path: '/spec' }], json)).status).toBe(400)
    expect((await api.request('PATCH', url, { spec: {} }, json)).status).toBe(400)
    expect((await api.ok<typeof rc>(url)).spec.replicas).toBe(2)

    const unknown = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'strict' }, spec: { containers: [{ name: 'c', command: ['true'], securityContext: { privileged: true } }] } }
    const strict = await api.request<{ code: number; message: string }>('POST', '/api/v1/namespaces/default/pods?fieldValidation=Strict', unknown)
    expect(strict.status).toBe(400)
    expect(strict.body.message).toContain('unknown field "spec.containers[0].securityContext"')
    expect((await api.get('/api/v1/namespaces/default/pods/strict')).status).toBe(404)
    const warned = await api.request('POST', '/api/v1/namespaces/default/pods', unknown)
    expect(warned.status).toBe(201)
    expect(warned.headers.get('warning')).toContain('unknown field \\"spec.containers[0].securityContext\\"')
    expect((await api.request('POST', '/api/v1/namespaces/default/pods?fieldValidation=Maybe', { ...unknown, metadata: { name: 'x' } })).status).toBe(400)
  })

  it('publishes OpenAPI v3 that tells kubectl to validate on the server', async () => {
    const api = cluster.agents[0]!.api
    const root = await api.ok<{ paths: Record<string, { serverRelativeURL: string }> }>('/openapi/v3')
    const core = await api.ok<{ paths: Record<string, { patch?: { parameters: { name: string; in: string }[]; 'x-kubernetes-group-version-kind': unknown } }> }>(root.paths['api/v1']!.serverRelativeURL)
    const pods = core.paths['/api/v1/namespaces/{namespace}/pods/{name}']!.patch!
    expect(pods['x-kubernetes-group-version-kind']).toEqual({ group: '', version: 'v1', kind: 'Pod' })
    expect(pods.parameters).toContainEqual(expect.objectContaining({ name: 'fieldValidation', in: 'query' }))
  })

  it('shoal kubeconfig prints the HTTPS server, the CA and the token', async () => {
    const agent = cluster.agents[0]!
    const r = await runCli(agent, ['kubeconfig', '--name', 'lab'])
    expect(r.code).toBe(0)
    const config = parse(r.stdout) as {
      clusters: { name: string; cluster: { server: string; 'certificate-authority-data': string } }[]
      users: { user: { token: string } }[]
      'current-context': string
    }
    expect(config['current-context']).toBe('lab')
    expect(config.clusters[0]!.cluster.server).toBe(agent.agent.apiUrl.replace('http://', 'https://'))
    expect(Buffer.from(config.clusters[0]!.cluster['certificate-authority-data'], 'base64').toString()).toBe(caPem)
    expect(config.users[0]!.user.token).toBe(agent.agent.token)
  })

  const kubectl = process.env['KUBECTL'] ?? 'kubectl'
  const hasKubectl = run(kubectl, ['version', '--client'], { timeout: 10_000 }).then(
    () => true,
    () => false,
  )

  it('works with kubectl through `shoal kubeconfig` (skipped when kubectl is not installed)', async (ctx) => {
    if (!(await hasKubectl)) ctx.skip()
    const config = join(scratch, 'kubeconfig')
    await writeFile(config, (await runCli(cluster.agents[0]!, ['kubeconfig'])).stdout)
    const k = async (...args: string[]): Promise<string> => (await run(kubectl, ['--kubeconfig', config, ...args], { timeout: 30_000 })).stdout
    expect(await k('get', 'nodes')).toMatch(/^NAME\s+STATUS\s+ROLES\s+AGE\s+VERSION\n\S+\s+Ready\s/)
    const manifest = join(scratch, 'web.yaml')
    const write = (value: string): Promise<void> =>
      writeFile(manifest, `apiVersion: v1\nkind: ReplicationController\nmetadata: {name: kweb}\nspec:\n  replicas: 1\n  template:\n    metadata: {labels: {app: kweb}}\n    spec:\n      containers:\n      - name: a\n        command: [sleep, "600"]\n        env: [{name: MODE, value: "${value}"}, {name: LEVEL, value: "2"}]\n`)
    await write('one')
    expect(await k('apply', '-f', manifest)).toContain('replicationcontroller/kweb created')
    await write('two')
    expect(await k('apply', '-f', manifest)).toContain('replicationcontroller/kweb configured')
    const env = JSON.parse(await k('get', 'rc', 'kweb', '-o', 'jsonpath={.spec.template.spec.containers[0].env}')) as unknown
    expect(env).toEqual([{ name: 'MODE', value: 'two' }, { name: 'LEVEL', value: '2' }])
    await waitFor(async () => /kweb-\w{5}\s+1\/1\s+Running/.test(await k('get', 'pods', '-l', 'app=kweb')), { timeoutMs: 30_000, message: 'kweb pod Running in kubectl get pods' })
    expect(await k('scale', 'rc', 'kweb', '--replicas=0')).toContain('scaled')
    expect(await k('delete', 'rc', 'kweb')).toContain('deleted')
  })
})
