import { afterEach, describe, expect, it } from 'vitest'
import { sleep, waitFor } from '../harness/wait.js'
import { ReconcilerHarness, SELF } from './reconciler-harness.js'

let h: ReconcilerHarness | undefined

afterEach(async () => {
  await h?.stop()
  h = undefined
})

const waitingOf = (h: ReconcilerHarness, name: string): { reason: string; message?: string } | undefined => {
  const state = h.pod(name).status?.containerStatuses?.[0]?.state
  return state !== undefined && 'waiting' in state ? state.waiting : undefined
}

describe('reconciler: a runtime whose list fails', () => {
  it('starts no duplicates, writes no not-ready status, and fences nothing while list() throws', async () => {
    h = new ReconcilerHarness().start()
    h.runtime.images.add('example/app:1')
    await h.podBoundHere('web')
    await waitFor(() => h!.pod('web').status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True'), { message: 'web ready' })
    expect(h.runtime.created).toHaveLength(1)
    const before = h.pod('web').status
    h.runtime.listFails = true
    // Many syncs (resync 50 ms, plus a store change that triggers one).
    await h.store.patch('pods', 'default', 'web', { metadata: { labels: { poke: '1' } } })
    await sleep(600)
    expect(h.runtime.created).toHaveLength(1)
    expect(h.pod('web').status).toEqual(before)
    expect([...h.runtime.containers.values()].map((c) => c.state)).toEqual(['running'])
    // Readiness stays as it was: the probes of the pod were not dropped.
    expect(h.reconciler.probes.ready(h.pod('web').metadata.uid!, 'main')).toBe(true)
    h.runtime.listFails = false
    await sleep(300)
    expect(h.runtime.created).toHaveLength(1)
  })
})

describe('reconciler: image pull failures back off', () => {
  it('shows ErrImagePull then ImagePullBackOff, retries with growing waits, and starts once the pull works', async () => {
    h = new ReconcilerHarness().start()
    h.runtime.pull = { progress: [{ status: 'Pulling from example/app', id: '1' }], fail: 'manifest unknown' }
    await h.podBoundHere('img')
    await waitFor(() => waitingOf(h!, 'img')?.reason === 'ImagePullBackOff', { message: 'ImagePullBackOff' })
    expect(waitingOf(h, 'img')?.message).toBe('Back-off pulling image "example/app:1"')
    expect(h.events.some((e) => e.reason === 'Failed' && /ErrImagePull: pulling example\/app:1 failed: manifest unknown/.test(e.message))).toBe(true)
    expect(h.events.some((e) => e.reason === 'BackOff' && e.message === 'Back-off pulling image "example/app:1"')).toBe(true)
    // With 200 ms doubling to 1 s, 1.5 s allow about 4 attempts; without back-off (50 ms resync) ~30.
    await sleep(1500)
    expect(h.runtime.pullAttempts).toBeGreaterThanOrEqual(2)
    expect(h.runtime.pullAttempts).toBeLessThanOrEqual(6)
    h.runtime.pull = { progress: [] }
    await waitFor(() => h!.pod('img').status?.phase === 'Running', { timeoutMs: 5000, message: 'runs once the pull works' })
    expect(h.runtime.created).toHaveLength(1)
  })

  it('reports pull progress in the waiting message while the pull runs', async () => {
    h = new ReconcilerHarness().start()
    let release!: () => void
    const gate = new Promise<void>((r) => (release = r))
    const pullImage = h.runtime.ensureImage.bind(h.runtime)
    h.runtime.ensureImage = async (image, onProgress) => {
      onProgress?.({ status: 'Pulling from example/app', id: '1' })
      onProgress?.({ status: 'Downloading', id: 'aaa', current: 1_000_000, total: 4_000_000 })
      onProgress?.({ status: 'Pull complete', id: 'bbb' })
      await gate
      return pullImage(image, onProgress)
    }
    await h.podBoundHere('slow')
    const waiting = await waitFor(() => (waitingOf(h!, 'slow')?.reason === 'Pulling' ? waitingOf(h!, 'slow') : undefined), { message: 'Pulling shown' })
    expect(waiting.message).toMatch(/^Pulling image "example\/app:1"/)
    release()
    await waitFor(() => h!.pod('slow').status?.phase === 'Running', { message: 'running after the pull' })
    expect(h.reasons()).toEqual(expect.arrayContaining(['Pulling', 'Pulled', 'Started']))
  })
})

describe('reconciler: finished pods', () => {
  it('keeps the exited containers of a finished pod whose binding was released, until the pod is deleted', async () => {
    h = new ReconcilerHarness().start()
    h.runtime.images.add('example/app:1')
    const uid = await h.podBoundHere('job', { restartPolicy: 'Never' })
    const [c] = await waitFor(() => ([...h!.runtime.containers.values()].length === 1 ? [...h!.runtime.containers.values()] : undefined))
    h.runtime.exit(c!.id, 0)
    await waitFor(() => h!.pod('job').status?.phase === 'Succeeded', { message: 'Succeeded' })
    expect(h.pod('job').status?.observedBy).toBe(SELF.id)
    h.unbind(uid)
    await sleep(400)
    expect(h.runtime.containers.has(c!.id)).toBe(true)
    expect(h.runtime.removedPods).toEqual([])
    expect(h.pod('job').status?.phase).toBe('Succeeded')
    await h.store.delete('pods', 'default', 'job')
    await waitFor(() => !h!.runtime.containers.has(c!.id), { message: 'containers removed with the pod' })
    await waitFor(() => h!.runtime.removedPods.includes(uid))
  })

  it('still fences a pod that is not finished when its binding goes', async () => {
    h = new ReconcilerHarness().start()
    h.runtime.images.add('example/app:1')
    const uid = await h.podBoundHere('svc')
    await waitFor(() => h!.pod('svc').status?.phase === 'Running')
    h.unbind(uid)
    await waitFor(() => h!.runtime.containers.size === 0, { message: 'fenced' })
  })
})
