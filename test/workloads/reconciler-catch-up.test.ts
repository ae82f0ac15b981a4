import { afterEach, describe, expect, it } from 'vitest'
import { sleep, waitFor } from '../harness/wait.js'
import { ReconcilerHarness } from './reconciler-harness.js'

let h: ReconcilerHarness | undefined

afterEach(async () => {
  await h?.stop()
  h = undefined
})

/** A catch-up read the test settles by hand, counting how often the reconciler asked. */
function manualCatchUp(target: ReconcilerHarness): { calls: () => number; open: () => void; fail: (err: Error) => void } {
  let calls = 0
  let settle: { resolve: () => void; reject: (err: Error) => void } | undefined
  target.catchUp = () => {
    calls++
    return new Promise<void>((resolve, reject) => (settle = { resolve, reject }))
  }
  return { calls: () => calls, open: () => settle?.resolve(), fail: (err) => settle?.reject(err) }
}

const running = (h: ReconcilerHarness): string[] => [...h.runtime.containers.values()].filter((c) => c.state === 'running').map((c) => c.podName).sort()

describe('reconciler: acts on bindings only once the allocation table caught up after a start', () => {
  it('neither fences pods missing from a stale table nor starts pods bound only in it, then converges', async () => {
    h = new ReconcilerHarness({ catchUpRetryMs: 50 }).start()
    h.runtime.images.add('example/app:1')
    const kept = await h.podBoundHere('kept')
    const gone = await h.podBoundHere('gone')
    await waitFor(() => running(h!).length === 2, { message: 'both running' })
    const ids = new Map([...h.runtime.containers.values()].map((c) => [c.podName, c.id]))

    // The agent restarts. Raft rebuilds the table from an old snapshot: `kept` is not re-applied
    // yet, and `late` shows a binding that a later committed entry released. `gone` was truly
    // unbound while the agent was down.
    let late = ''
    const read = manualCatchUp(h)
    await h.restartReconciler(async () => {
      h!.unbind(kept)
      h!.unbind(gone)
      late = await h!.podBoundHere('late')
    })
    await sleep(400)
    expect(running(h)).toEqual(['gone', 'kept'])
    expect(h.runtime.created).toHaveLength(2)
    expect(h.reasons()).not.toContain('Killing')
    expect(h.reconciler.caughtUp).toBe(false)

    // The log is re-applied, and the leader confirms the table is current.
    h.bind('kept', kept)
    h.unbind(late)
    read.open()
    await waitFor(() => running(h!).join() === 'kept', { message: 'only the released pod is fenced' })
    await sleep(300)
    expect(h.reconciler.caughtUp).toBe(true)
    expect([...h.runtime.containers.values()].map((c) => c.id)).toEqual([ids.get('kept')])
    expect(h.runtime.created.map((s) => s.podName).sort()).toEqual(['gone', 'kept'])
    expect(read.calls()).toBe(1)
  })

  it('retries while no leader answers, and asks again on the next start only', async () => {
    h = new ReconcilerHarness({ catchUpRetryMs: 50 })
    h.runtime.images.add('example/app:1')
    const read = manualCatchUp(h)
    h.start()
    await h.podBoundHere('web')
    for (let i = 1; i <= 3; i++) {
      await waitFor(() => read.calls() === i, { message: `attempt ${i}` })
      read.fail(new Error('no leader'))
    }
    await waitFor(() => read.calls() === 4, { message: 'a fourth attempt' })
    expect(h.runtime.created).toHaveLength(0)
    read.open()
    await waitFor(() => h!.pod('web').status?.phase === 'Running', { message: 'runs once caught up' })
    await sleep(300)
    expect(read.calls()).toBe(4)

    // Only the next start reads again; meanwhile the pod is left running.
    await h.restartReconciler()
    await waitFor(() => read.calls() === 5, { message: 'read again after a restart' })
    await sleep(200)
    expect(running(h)).toEqual(['web'])
    expect(h.runtime.created).toHaveLength(1)
  })

  it('leaves an adopted container that exits alone until caught up, then restarts it', async () => {
    h = new ReconcilerHarness({ catchUpRetryMs: 50 }).start()
    h.runtime.images.add('example/app:1')
    await h.podBoundHere('web')
    const [c] = await waitFor(() => (running(h!).length === 1 ? [...h!.runtime.containers.values()] : undefined))
    const read = manualCatchUp(h)
    await h.restartReconciler()
    h.runtime.exit(c!.id, 1)
    await sleep(400)
    expect(h.runtime.created).toHaveLength(1)
    read.open()
    await waitFor(() => running(h!).length === 1 && h!.runtime.created.length === 2, { message: 'restarted after the catch-up' })
  })
})
