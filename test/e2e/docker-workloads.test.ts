import Dockerode from 'dockerode'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { DOCKER_SOCKET, dockerAvailable, requireDockerInCi, TEST_IMAGE } from '../harness/docker.js'
import { httpGet } from '../harness/http-pod.js'
import { ProcessCluster } from '../harness/process-cluster.js'
import type { ProcessAgent } from '../harness/processes.js'
import { waitFor } from '../harness/wait.js'
import { podsOf } from '../harness/workloads.js'
import { LocalRegistry } from '../runtime/local-registry.js'

const engine = requireDockerInCi(await dockerAvailable(), 'docker workloads')
const docker = new Dockerode({ socketPath: DOCKER_SOCKET })
let cluster: ProcessCluster
let agents: ProcessAgent[] = []

async function managedContainers(podPrefix: string): Promise<Dockerode.ContainerInfo[]> {
  const all = await docker.listContainers({ all: true, filters: { label: ['shoal.io/managed=true'] } })
  return all.filter((c) => (c.Labels['shoal.io/pod-name'] ?? '').startsWith(podPrefix))
}

describe.skipIf(!engine)('docker runtime end to end (busybox)', () => {
  beforeAll(async () => {
    cluster = await ProcessCluster.start('d', 2, ['--runtime', 'auto'])
    agents = cluster.agents
  })

  afterAll(async () => {
    await cluster?.close()
    for (const c of await managedContainers('bb-').catch(() => [])) await docker.getContainer(c.Id).remove({ force: true }).catch(() => undefined)
  })

  it('runs busybox httpd replicas in Docker behind a service, shows their logs, and removes them', async () => {
    const [d1] = agents
    const rc = {
      apiVersion: 'v1',
      kind: 'ReplicationController',
      metadata: { name: 'bb-web' },
      spec: {
        replicas: 2,
        template: {
          metadata: { labels: { app: 'bb-web' } },
          spec: {
            terminationGracePeriodSeconds: 1,
            containers: [
              {
                name: 'httpd',
                image: TEST_IMAGE,
                command: ['sh', '-c', 'mkdir -p /tmp/www && echo "$POD_NAME" > /tmp/www/index.html && echo serving on $PORT && exec httpd -f -p "$PORT" -h /tmp/www'],
                ports: [{ name: 'http', containerPort: 80 }],
              },
            ],
          },
        },
      },
    }
    expect((await d1!.api.request('POST', '/api/v1/namespaces/default/replicationcontrollers', rc)).status).toBe(201)
    const svc = { apiVersion: 'v1', kind: 'Service', metadata: { name: 'bb-web' }, spec: { selector: { app: 'bb-web' }, ports: [{ port: 18095, targetPort: 'http' }] } }
    expect((await d1!.api.request('POST', '/api/v1/namespaces/default/services', svc)).status).toBe(201)
    const pods = await waitFor(async () => {
      const p = await podsOf(d1!.api, 'app=bb-web')
      return p.length === 2 && p.every((x) => x.phase === 'Running' && x.ready) ? p : undefined
    }, { timeoutMs: 60_000, message: 'busybox pods running' })
    expect(new Set(pods.map((p) => p.node)).size).toBe(2)
    expect((await managedContainers('bb-web-')).filter((c) => c.State === 'running')).toHaveLength(2)
    const seen = await waitFor(async () => {
      const names = new Set<string>()
      for (let i = 0; i < 10; i++) names.add((await httpGet('127.0.0.2', 18095)).body.trim())
      return names.size === 2 ? names : undefined
    }, { message: 'both busybox backends through the proxy' })
    expect([...seen].sort()).toEqual(pods.map((p) => p.name).sort())
    // logs of a pod on the other node, asked at d1: proxied to the node that runs it
    const remote = pods.find((p) => p.node === 'd2')!
    const logs = await d1!.api.get<string>(`/api/v1/namespaces/default/pods/${remote.name}/log`)
    expect(logs.status).toBe(200)
    expect(String(logs.body)).toContain('serving on')
    expect((await d1!.api.request('DELETE', '/api/v1/namespaces/default/replicationcontrollers/bb-web')).status).toBe(200)
    await waitFor(async () => (await managedContainers('bb-web-')).length === 0, { timeoutMs: 30_000, message: 'containers removed after the RC is gone' })
  })

  it('pulls a missing image from a local registry with Pulling and Pulled events, and backs off on a missing one', async () => {
    const [d1] = agents
    const registry = new LocalRegistry()
    await registry.start()
    const repo = `${registry.host}/shoal-test/e2e-pull`
    const image = `${repo}:${Date.now()}`
    try {
      const [name, tag] = [repo, image.slice(repo.length + 1)]
      await docker.getImage(TEST_IMAGE).tag({ repo: name, tag })
      const push = await docker.getImage(image).push({ authconfig: { serveraddress: registry.host } })
      await new Promise<void>((resolve, reject) => docker.modem.followProgress(push, (err) => (err === null ? resolve() : reject(err))))
      await docker.getImage(image).remove()
      const pod = (podName: string, img: string): Record<string, unknown> => ({
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { name: podName, labels: { app: podName } },
        spec: { runtimeClassName: 'docker', terminationGracePeriodSeconds: 1, containers: [{ name: 'main', image: img, command: ['sh', '-c', 'echo pulled-and-running; sleep 300'] }] },
      })
      expect((await d1!.api.request('POST', '/api/v1/namespaces/default/pods', pod('bb-pull', image))).status).toBe(201)
      expect((await d1!.api.request('POST', '/api/v1/namespaces/default/pods', pod('bb-missing', `${registry.host}/shoal-test/no-such-image:1`))).status).toBe(201)
      await waitFor(async () => (await podsOf(d1!.api, 'app=bb-pull'))[0]?.phase === 'Running', { timeoutMs: 60_000, message: 'the pulled image runs' })
      type Ev = { reason: string; message: string; involvedObject: { name: string } }
      const events = await waitFor(async () => {
        const list = (await d1!.api.ok<{ items: Ev[] }>('/api/v1/namespaces/default/events')).items.filter((e) => e.involvedObject.name === 'bb-pull')
        return list.some((e) => e.reason === 'Pulled') ? list : undefined
      }, { message: 'Pulled event' })
      expect(events.map((e) => e.reason)).toEqual(expect.arrayContaining(['Pulling', 'Pulled', 'Started']))
      expect(events.find((e) => e.reason === 'Pulling')!.message).toBe(`Pulling image "${image}"`)
      expect(events.find((e) => e.reason === 'Pulled')!.message).toMatch(new RegExp(`^Successfully pulled image "${image.replace(/[.]/g, '\\.')}" in [0-9.]+s$`))
      // The missing image: the error, then a back-off rather than a pull every second.
      const waiting = await waitFor(async () => {
        const p = await d1!.api.ok<{ status?: { containerStatuses?: { state: { waiting?: { reason: string; message?: string } } }[] } }>('/api/v1/namespaces/default/pods/bb-missing')
        const w = p.status?.containerStatuses?.[0]?.state.waiting
        return w?.reason === 'ImagePullBackOff' ? w : undefined
      }, { timeoutMs: 30_000, message: 'ImagePullBackOff' })
      expect(waiting.message).toMatch(/^Back-off pulling image /)
      const missing = (await d1!.api.ok<{ items: Ev[] }>('/api/v1/namespaces/default/events')).items.filter((e) => e.involvedObject.name === 'bb-missing')
      expect(missing.some((e) => e.reason === 'Failed' && e.message.startsWith('ErrImagePull:'))).toBe(true)
      expect(missing.some((e) => e.reason === 'BackOff')).toBe(true)
    } finally {
      for (const name of ['bb-pull', 'bb-missing']) await d1!.api.request('DELETE', `/api/v1/namespaces/default/pods/${name}`).catch(() => undefined)
      await waitFor(async () => (await managedContainers('bb-pull')).length === 0, { timeoutMs: 30_000 }).catch(() => undefined)
      await docker.getImage(image).remove({ force: true }).catch(() => undefined)
      await registry.stop()
    }
  })
})
