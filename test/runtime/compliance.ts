import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ContainerNotFoundError, ContainerNotRunningError, ExecTimeoutError } from '../../node/runtime/errors.js'
import { LABEL_CONTAINER, LABEL_MANAGED, LABEL_NAMESPACE, LABEL_POD_NAME, LABEL_POD_UID, LABEL_SPEC_HASH, specHash } from '../../node/runtime/labels.js'
import type { ContainerRuntime, ContainerSpec } from '../../node/runtime/types.js'
import { sleep, waitFor } from '../harness/wait.js'
import { follow, readLogs, TEST_RUN_LABEL, waitForLog, waitForState } from './helpers.js'

export interface ComplianceHarness {
  /** The runtime under test, started. */
  runtime: ContainerRuntime
  /** A new, started instance over the same state, as after an agent restart. */
  reopen(): Promise<ContainerRuntime>
  /** A spec running `script` with `sh -c`, labelled for this run. */
  spec(script: string, extra?: Partial<ContainerSpec>): ContainerSpec
  /** The test-run label value on every container of this harness. */
  runId: string
  cleanup(): Promise<void>
}

const LOOP_FOREVER = 'while true; do sleep 0.1; done'

/**
 * The behaviour every ContainerRuntime must show, registered as vitest tests. Each runtime's test
 * file calls this with a factory for its harness; `skip` is for a runtime that is absent (Docker
 * outside CI), and the caller must make that absence fail under CI.
 */
export function runtimeCompliance(name: string, factory: () => Promise<ComplianceHarness>, options: { skip?: boolean } = {}): void {
  describe.skipIf(options.skip === true)(`${name} runtime compliance`, () => {
    let h: ComplianceHarness
    let rt: ContainerRuntime

    beforeAll(async () => {
      h = await factory()
      rt = h.runtime
    })

    afterAll(async () => {
      await h?.cleanup()
    })

    it('is available and names itself', async () => {
      expect(rt.name).toBe(name)
      expect(await rt.available()).toBe(true)
    })

    it('runs a container with its env and args; logs show its output', async () => {
      const spec = h.spec('echo "A=$A B=$B"; echo "args:$0,$1"; echo to-stderr >&2', { env: { A: 'hello world', B: '2' }, args: ['first', 'second'] })
      const info = await rt.create(spec)
      expect(info.runtime).toBe(name)
      expect(info.podUid).toBe(spec.podUid)
      expect(['running', 'exited']).toContain(info.state)
      const exited = await waitForState(rt, info.id, 'exited')
      expect(exited.exitCode).toBe(0)
      expect(exited.reason).toBe('Completed')
      expect(exited.finishedAt).toBeDefined()
      const logs = await readLogs(rt, info.id)
      expect(logs).toContain('A=hello world B=2')
      expect(logs).toContain('args:first,second')
      expect(logs).toContain('to-stderr')
    })

    it('captures the exit code of a failing command, and 127 for a missing one', async () => {
      const failing = await rt.create(h.spec('echo failing; exit 3'))
      const missing = await rt.create(h.spec('', { command: ['no-such-command-shoal'] }))
      const a = await waitForState(rt, failing.id, 'exited')
      expect(a.exitCode).toBe(3)
      expect(a.reason).toBe('Error')
      const b = await waitForState(rt, missing.id, 'exited')
      expect(b.exitCode).toBe(127)
    })

    it('stops a container that handles SIGTERM within the grace period', async () => {
      const info = await rt.create(h.spec(`trap 'echo got-term; exit 0' TERM; echo ready; ${LOOP_FOREVER}`))
      await waitForLog(rt, info.id, 'ready')
      const t0 = Date.now()
      await rt.terminate(info.id, 10)
      expect(Date.now() - t0).toBeLessThan(5000)
      const after = await rt.inspect(info.id)
      expect(after?.state).toBe('exited')
      expect(after?.exitCode).toBe(0)
      expect(await readLogs(rt, info.id)).toContain('got-term')
    })

    it('kills a container that ignores SIGTERM once the grace period is over', async () => {
      const info = await rt.create(h.spec(`trap '' TERM; echo ready; ${LOOP_FOREVER}`))
      await waitForLog(rt, info.id, 'ready')
      const t0 = Date.now()
      await rt.terminate(info.id, 1)
      const took = Date.now() - t0
      expect(took).toBeGreaterThanOrEqual(900)
      expect(took).toBeLessThan(6000)
      const after = await rt.inspect(info.id)
      expect(after?.state).toBe('exited')
      expect(after?.exitCode).toBe(137)
      // Stopping a stopped container is a no-op.
      await rt.terminate(info.id, 1)
    })

    it('removes containers, running or not; unknown ids are undefined or ContainerNotFoundError', async () => {
      const running = await rt.create(h.spec(LOOP_FOREVER))
      await waitForState(rt, running.id, 'running')
      await rt.remove(running.id)
      expect(await rt.inspect(running.id)).toBeUndefined()
      expect((await rt.list()).map((c) => c.id)).not.toContain(running.id)
      await expect(rt.remove(running.id)).rejects.toBeInstanceOf(ContainerNotFoundError)
      await expect(rt.terminate(running.id, 1)).rejects.toBeInstanceOf(ContainerNotFoundError)
      await expect(rt.exec(running.id, ['true'], 1000)).rejects.toBeInstanceOf(ContainerNotFoundError)
      await expect(readLogs(rt, running.id)).rejects.toBeInstanceOf(ContainerNotFoundError)
      expect(await rt.inspect('0123456789abcdef')).toBeUndefined()
    })

    it('lists managed containers with their pod identity and labels', async () => {
      const spec = h.spec(LOOP_FOREVER, { podName: 'listed-pod', namespace: 'team-a', containerName: 'web', labels: { app: 'listed' } })
      const info = await rt.create(spec)
      const all = await rt.list()
      expect(all.every((c) => c.labels[LABEL_MANAGED] === 'true')).toBe(true)
      const mine = all.find((c) => c.id === info.id)
      expect(mine).toMatchObject({ podUid: spec.podUid, podName: 'listed-pod', namespace: 'team-a', containerName: 'web', state: 'running', specHash: specHash(spec) })
      expect(mine?.labels).toMatchObject({
        app: 'listed',
        [TEST_RUN_LABEL]: h.runId,
        [LABEL_POD_UID]: spec.podUid,
        [LABEL_POD_NAME]: 'listed-pod',
        [LABEL_NAMESPACE]: 'team-a',
        [LABEL_CONTAINER]: 'web',
        [LABEL_SPEC_HASH]: specHash(spec),
      })
      expect(mine?.pid).toBeGreaterThan(0)
      expect(mine?.startedAt).toBeDefined()
      await rt.remove(info.id)
    })

    it('tails the last lines of the logs', async () => {
      const info = await rt.create(h.spec('i=1; while [ $i -le 20 ]; do echo line-$i; i=$((i+1)); done'))
      await waitForState(rt, info.id, 'exited')
      expect(await readLogs(rt, info.id, { tailLines: 3 })).toBe('line-18\nline-19\nline-20\n')
      expect((await readLogs(rt, info.id)).split('\n').filter((l) => l !== '')).toHaveLength(20)
      expect(await readLogs(rt, info.id, { tailLines: 50 })).toBe((await readLogs(rt, info.id)))
    })

    it('follows the logs: lines written after the call arrive, until aborted', async () => {
      const info = await rt.create(h.spec('echo before; sleep 1.5; echo after-1; sleep 0.3; echo after-2; ' + LOOP_FOREVER))
      await waitForLog(rt, info.id, 'before')
      const abort = new AbortController()
      const f = follow(rt, info.id, { tailLines: 1, signal: abort.signal })
      await waitFor(() => f.text().includes('after-2'), { timeoutMs: 10_000, message: 'followed lines' })
      abort.abort()
      await f.done
      expect(f.text()).toBe('before\nafter-1\nafter-2\n')
      await rt.remove(info.id)
    })

    it('ends a follow when the container exits', async () => {
      const info = await rt.create(h.spec('echo one; sleep 1; echo two; exit 0'))
      await waitForLog(rt, info.id, 'one')
      const f = follow(rt, info.id, {})
      await f.done
      expect(f.text()).toBe('one\ntwo\n')
    })

    it('execs inside a running container, with its env, and times out', async () => {
      const info = await rt.create(h.spec(LOOP_FOREVER, { env: { GREETING: 'hi-from-env' } }))
      await waitForState(rt, info.id, 'running')
      const res = await rt.exec(info.id, ['sh', '-c', 'echo "$GREETING"; echo oops >&2; exit 4'], 5000)
      expect(res.exitCode).toBe(4)
      expect(res.output).toContain('hi-from-env')
      expect(res.output).toContain('oops')
      expect((await rt.exec(info.id, ['true'], 5000)).exitCode).toBe(0)
      const t0 = Date.now()
      await expect(rt.exec(info.id, ['sleep', '10'], 300)).rejects.toBeInstanceOf(ExecTimeoutError)
      expect(Date.now() - t0).toBeLessThan(3000)
      await rt.terminate(info.id, 0)
      await expect(rt.exec(info.id, ['true'], 1000)).rejects.toBeInstanceOf(ContainerNotRunningError)
      await rt.remove(info.id)
    })

    it('adopts running containers in a new instance, which keep running', async () => {
      const info = await rt.create(h.spec(`echo adopted; ${LOOP_FOREVER}`))
      const before = await waitForState(rt, info.id, 'running')
      const again = await h.reopen()
      try {
        const seen = (await again.list()).find((c) => c.id === info.id)
        expect(seen).toMatchObject({ id: info.id, state: 'running', pid: before.pid, startedAt: before.startedAt })
        await sleep(300)
        expect((await again.inspect(info.id))?.state).toBe('running')
        expect(await readLogs(again, info.id)).toContain('adopted')
        expect((await again.exec(info.id, ['true'], 5000)).exitCode).toBe(0)
        await again.terminate(info.id, 1)
        expect((await again.inspect(info.id))?.state).toBe('exited')
        await again.remove(info.id)
      } finally {
        await again.stop()
      }
    })
  })
}
