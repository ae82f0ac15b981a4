import { execFile } from 'node:child_process'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { runCli } from '../cli/run-cli.js'
import { TestCluster } from '../harness/in-process.js'
import { waitFor } from '../harness/wait.js'

const run = promisify(execFile)
const kubectl = process.env['KUBECTL'] ?? 'kubectl'
const hasKubectl = run(kubectl, ['version', '--client'], { timeout: 10_000 }).then(
  () => true,
  () => false,
)

let cluster: TestCluster | undefined
let scratch: string
let k: (...args: string[]) => Promise<string>

beforeAll(async () => {
  if (!(await hasKubectl)) return
  cluster = await TestCluster.start(1)
  scratch = await mkdtemp(join(tmpdir(), 'shoal-kubectl-'))
  const config = join(scratch, 'kubeconfig')
  await writeFile(config, (await runCli(cluster.agents[0]!, ['kubeconfig'])).stdout)
  k = async (...args) => (await run(kubectl, ['--kubeconfig', config, ...args], { timeout: 60_000 })).stdout
})

afterAll(async () => {
  await cluster?.close()
  if (scratch !== undefined) await rm(scratch, { recursive: true, force: true })
})

describe('kubectl and deployments (skipped when kubectl is not installed)', () => {
  it('create deployment, rollout status, set image, rollout history and undo, scale, get deploy,rs', async (ctx) => {
    if (!(await hasKubectl)) ctx.skip()
    // An image and a command: the process runtime runs the command, the image only labels it.
    expect(await k('create', 'deployment', 'kd', '--image=busybox:1', '--replicas=3', '--', 'sleep', '3600')).toContain('deployment.apps/kd created')
    expect(await k('rollout', 'status', 'deployment/kd', '--timeout=60s')).toContain('deployment "kd" successfully rolled out')

    expect(await k('set', 'image', 'deployment/kd', 'busybox=busybox:2')).toContain('deployment.apps/kd image updated')
    expect(await k('rollout', 'status', 'deployment/kd', '--timeout=60s')).toContain('successfully rolled out')
    const images = async (): Promise<string[]> => (await k('get', 'pods', '-l', 'app=kd', '-o', 'jsonpath={.items[*].spec.containers[0].image}')).split(' ').filter((s) => s !== '')
    await waitFor(async () => (await images()).join() === 'busybox:2,busybox:2,busybox:2', { timeoutMs: 30_000, message: 'every pod on busybox:2' })
    const history = await k('rollout', 'history', 'deployment/kd')
    expect(history).toMatch(/REVISION\s+CHANGE-CAUSE\n1\s+<none>\n2\s+<none>/)

    expect(await k('rollout', 'undo', 'deployment/kd')).toContain('deployment.apps/kd rolled back')
    expect(await k('rollout', 'status', 'deployment/kd', '--timeout=60s')).toContain('successfully rolled out')
    await waitFor(async () => (await images()).join() === 'busybox:1,busybox:1,busybox:1', { timeoutMs: 30_000, message: 'every pod back on busybox:1' })
    // Undo reused revision 1's ReplicaSet, which became revision 3.
    expect(await k('rollout', 'history', 'deployment/kd')).toMatch(/REVISION\s+CHANGE-CAUSE\n2\s+<none>\n3\s+<none>/)

    expect(await k('scale', 'deployment', 'kd', '--replicas=1')).toContain('deployment.apps/kd scaled')
    expect(await k('rollout', 'status', 'deployment/kd', '--timeout=60s')).toContain('successfully rolled out')
    const listed = await k('get', 'deploy,rs')
    expect(listed).toMatch(/NAME\s+READY\s+UP-TO-DATE\s+AVAILABLE\s+AGE\ndeployment\.apps\/kd\s+1\/1\s+1\s+1\s/)
    expect(listed).toMatch(/NAME\s+DESIRED\s+CURRENT\s+READY\s+AGE\n(replicaset\.apps\/kd-\w+\s+[01]\s+[01]\s+[01]\s+\S+\n){2}/)
    expect(await k('delete', 'deployment', 'kd')).toContain('deleted')
  })
})
