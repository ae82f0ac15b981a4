import { describe, expect, it } from 'vitest'
import { planContainers } from '../../node/workloads/reconciler/container-plan.js'
import { PullProgressSummary } from '../../node/workloads/reconciler/pull-progress.js'
import { StartBackoff } from '../../node/workloads/reconciler/start-backoff.js'

describe('StartBackoff', () => {
  it('doubles the wait per failure up to the cap, and forgets on success', () => {
    const b = new StartBackoff({ baseMs: 100, maxMs: 500 })
    expect(b.failed('u', 'main', 'ErrImagePull', 'img', 0)).toBe(100)
    expect(b.failed('u', 'main', 'ErrImagePull', 'img', 1000)).toBe(1200)
    expect(b.failed('u', 'main', 'ErrImagePull', 'img', 2000)).toBe(2400)
    expect(b.failed('u', 'main', 'ErrImagePull', 'img', 3000)).toBe(3500)
    expect(b.waits('u')).toEqual(new Map([['main', 3500]]))
    b.succeeded('u', 'main')
    expect(b.waits('u')).toEqual(new Map())
    expect(b.failed('u', 'main', 'CreateContainerError', undefined, 0)).toBe(100)
  })

  it('answers firstWait once per failure', () => {
    const b = new StartBackoff({ baseMs: 100, maxMs: 500 })
    b.failed('u', 'main', 'ErrImagePull', 'img', 0)
    expect(b.firstWait('u', 'main')).toBe(true)
    expect(b.firstWait('u', 'main')).toBe(false)
    b.failed('u', 'main', 'ErrImagePull', 'img', 10)
    expect(b.firstWait('u', 'main')).toBe(true)
  })

  it('planContainers carries the wait reason through', () => {
    const actions = planContainers({
      containers: [{ name: 'main', image: 'img' }],
      restartPolicy: 'Always',
      actual: [],
      desiredHash: () => 'h',
      restarts: new Map([['main', { notBefore: 5000, reason: 'ImagePullBackOff' as const }]]),
      now: 1000,
    })
    expect(actions).toEqual([{ type: 'wait', container: 'main', until: 5000, reason: 'ImagePullBackOff' }])
  })
})

describe('PullProgressSummary', () => {
  it('shows the general line until layers report, then layers done and bytes', () => {
    const s = new PullProgressSummary('reg/app:1')
    expect(s.message()).toBe('Pulling image "reg/app:1"')
    s.update({ status: 'Pulling from reg/app', id: '1' })
    expect(s.message()).toBe('Pulling image "reg/app:1": Pulling from reg/app')
    s.update({ status: 'Pulling fs layer', id: 'aaa' })
    s.update({ status: 'Pulling fs layer', id: 'bbb' })
    s.update({ status: 'Downloading', id: 'aaa', current: 1_500_000, total: 3_000_000 })
    s.update({ status: 'Downloading', id: 'bbb', current: 500_000, total: 1_000_000 })
    expect(s.message()).toBe('Pulling image "reg/app:1": 0/2 layers, 2.0 MB of 4.0 MB')
    s.update({ status: 'Pull complete', id: 'aaa' })
    expect(s.message()).toBe('Pulling image "reg/app:1": 1/2 layers, 3.5 MB of 4.0 MB')
    s.update({ status: 'Digest: sha256:abc' })
    expect(s.message()).toBe('Pulling image "reg/app:1": 1/2 layers, 3.5 MB of 4.0 MB')
  })
})
