import { afterEach, describe, expect, it } from 'vitest'
import { HTTP_POD_COMMAND, httpGet } from '../harness/http-pod.js'
import { ProcessCluster } from '../harness/process-cluster.js'
import { sleep, waitFor } from '../harness/wait.js'
import { podsOf } from '../harness/workloads.js'

let cluster: ProcessCluster | undefined

afterEach(async () => {
  await cluster?.close()
  cluster = undefined
})

describe('services across agent processes', () => {
  it('after a node dies its endpoints disappear and requests keep succeeding', async () => {
    cluster = await ProcessCluster.start('s', 3, ['--reschedule-after', '1s'])
    const [s1, , s3] = cluster.agents
    const rc = {
      apiVersion: 'v1',
      kind: 'ReplicationController',
      metadata: { name: 'echo' },
      spec: {
        replicas: 3,
        template: {
          metadata: { labels: { app: 'echo' } },
          spec: { runtimeClassName: 'process', terminationGracePeriodSeconds: 1, containers: [{ name: 'main', command: HTTP_POD_COMMAND, ports: [{ name: 'http', containerPort: 8080 }] }] },
        },
      },
    }
    expect((await s1!.api.request('POST', '/api/v1/namespaces/default/replicationcontrollers', rc)).status).toBe(201)
    const svc = { apiVersion: 'v1', kind: 'Service', metadata: { name: 'echo' }, spec: { selector: { app: 'echo' }, ports: [{ port: 18090, targetPort: 'http' }] } }
    expect((await s1!.api.request('POST', '/api/v1/namespaces/default/services', svc)).status).toBe(201)
    await waitFor(async () => (await podsOf(s1!.api, 'app=echo')).filter((p) => p.ready).length === 3, { timeoutMs: 40_000, message: '3 ready' })
    const victimPod = (await podsOf(s1!.api, 'app=echo')).find((p) => p.node === 's3')!.name
    await waitFor(async () => (await httpGet('127.0.0.1', 18090)).status === 200)

    // A client hammers s1's proxy while s3 dies with its containers, as a machine would.
    let ok = 0
    let failed = 0
    let stop = false
    const client = (async () => {
      while (!stop) {
        try {
          if ((await httpGet('127.0.0.1', 18090)).status === 200) ok++
          else failed++
        } catch {
          failed++
        }
        await sleep(20)
      }
    })()
    await sleep(500)
    await s3!.destroy()
    await waitFor(async () => {
      const ep = await s1!.api.ok<{ subsets: { addresses: { targetRef: { name: string } }[] }[] }>('/api/v1/namespaces/default/endpoints/echo')
      const names = ep.subsets.flatMap((s) => s.addresses.map((a) => a.targetRef.name))
      return names.length >= 2 && !names.includes(victimPod) ? names : undefined
    }, { timeoutMs: 20_000, message: 'victim endpoint removed' })
    await waitFor(async () => (await podsOf(s1!.api, 'app=echo')).filter((p) => p.ready && p.node !== 's3').length === 3, { timeoutMs: 40_000, message: 'replica replaced' })
    const before = { ok, failed }
    await sleep(2000)
    stop = true
    await client
    // Reported, not asserted to zero: the numbers go in the issue note.
    process.stderr.write(`services failover: ${ok} ok, ${failed} failed during the transition\n`)
    expect(ok).toBeGreaterThan(50)
    expect(failed).toBe(before.failed) // no failure once the endpoints settled
    expect(failed / (ok + failed)).toBeLessThan(0.05)
  })
})
