import { describe, expect, it } from 'vitest'
import type { ContainerPlanInput } from '../../node/workloads/reconciler/container-plan.js'
import { planContainers } from '../../node/workloads/reconciler/container-plan.js'
import type { ContainerInfo } from '../../node/runtime/types.js'

function info(name: string, state: ContainerInfo['state'], extra: Partial<ContainerInfo> = {}): ContainerInfo {
  return { id: `${name}-${state}-${extra.createdAt ?? '0'}`, runtime: 'process', podUid: 'u', podName: 'p', namespace: 'default', containerName: name, state, labels: {}, specHash: 'h', ...extra }
}

function plan(partial: Partial<ContainerPlanInput>): ReturnType<typeof planContainers> {
  return planContainers({ containers: [{ name: 'main', command: ['x'] }], restartPolicy: 'Always', actual: [], desiredHash: () => 'h', restarts: new Map(), now: 1000, ...partial })
}

describe('planContainers', () => {
  it('creates a missing container', () => {
    expect(plan({}).map((a) => a.type)).toEqual(['create'])
  })

  it('leaves a running container with the current spec alone', () => {
    expect(plan({ actual: [info('main', 'running')] })).toEqual([])
  })

  it('replaces a running container whose spec changed', () => {
    expect(plan({ actual: [info('main', 'running', { specHash: 'old' })] }).map((a) => a.type)).toEqual(['terminate', 'remove', 'create'])
  })

  it('restarts an exited container per restart policy, honouring back-off', () => {
    const failed = info('main', 'exited', { exitCode: 1 })
    const ok = info('main', 'exited', { exitCode: 0 })
    expect(plan({ actual: [failed] }).map((a) => a.type)).toEqual(['remove', 'create'])
    expect(plan({ actual: [failed], restartPolicy: 'Never' })).toEqual([])
    expect(plan({ actual: [ok], restartPolicy: 'OnFailure' })).toEqual([])
    expect(plan({ actual: [failed], restartPolicy: 'OnFailure' }).map((a) => a.type)).toEqual(['remove', 'create'])
    const waiting = plan({ actual: [failed], restarts: new Map([['main', { notBefore: 5000 }]]) })
    expect(waiting).toEqual([{ type: 'wait', container: 'main', until: 5000 }])
  })

  it('stops containers the spec no longer names and clears duplicates', () => {
    const actions = plan({
      actual: [info('gone', 'running'), info('main', 'running', { createdAt: '2026-01-01T00:00:02Z' }), info('main', 'running', { createdAt: '2026-01-01T00:00:01Z' })],
    })
    expect(actions.filter((a) => a.type === 'terminate').map((a) => (a as { container: string }).container).sort()).toEqual(['gone', 'main'])
    expect(actions.some((a) => a.type === 'create')).toBe(false)
  })
})
