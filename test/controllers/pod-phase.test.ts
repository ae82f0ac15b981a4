import { describe, expect, it } from 'vitest'
import { effectivePhase, isPodActive, isPodAvailable, isPodReady } from '../../node/controllers/index.js'
import type { NodeState, PodPhase } from '../../node/controllers/index.js'
import type { PodInit } from './fixtures.js'
import { makePod, T0 } from './fixtures.js'

const BOUND = { nodeId: 'peer-a' }

describe('effectivePhase', () => {
  it.each([
    ['no binding', {}, undefined, undefined, 'Pending'],
    ['no binding, stale Running status', { phase: 'Running', observedBy: 'peer-a' }, undefined, 'alive', 'Pending'],
    ['no binding, finished', { phase: 'Succeeded' }, undefined, undefined, 'Succeeded'],
    ['bound, no status yet', {}, BOUND, 'alive', 'Scheduled'],
    ['bound, node reports Pending (pulling)', { phase: 'Pending', observedBy: 'peer-a' }, BOUND, 'alive', 'Scheduled'],
    ['bound, node reports Running', { phase: 'Running', observedBy: 'peer-a' }, BOUND, 'alive', 'Running'],
    ['bound, unstamped status is trusted', { phase: 'Running' }, BOUND, 'alive', 'Running'],
    ['bound, nodeState not given', { phase: 'Running', observedBy: 'peer-a' }, BOUND, undefined, 'Running'],
    ['rebound elsewhere, status from the old node', { phase: 'Running', observedBy: 'peer-b' }, BOUND, 'alive', 'Scheduled'],
    ['rebound elsewhere, old node finished it', { phase: 'Failed', observedBy: 'peer-b' }, BOUND, 'alive', 'Scheduled'],
    ['node suspect', { phase: 'Running', observedBy: 'peer-a' }, BOUND, 'suspect', 'Running'],
    ['node down', { phase: 'Running', observedBy: 'peer-a' }, BOUND, 'down', 'Unknown'],
    ['node left', { phase: 'Running', observedBy: 'peer-a' }, BOUND, 'left', 'Unknown'],
    ['node unknown to membership', { phase: 'Running', observedBy: 'peer-a' }, BOUND, 'unknown', 'Unknown'],
    ['node down before reporting', {}, BOUND, 'down', 'Unknown'],
    ['finished, then node died', { phase: 'Succeeded', observedBy: 'peer-a' }, BOUND, 'down', 'Succeeded'],
    ['failed on a live node', { phase: 'Failed', observedBy: 'peer-a' }, BOUND, 'alive', 'Failed'],
  ] satisfies [string, PodInit, typeof BOUND | undefined, NodeState | undefined, PodPhase][])('%s → %s', (_title, init, binding, state, want) => {
    expect(effectivePhase(makePod('p', init), binding, state)).toBe(want)
  })
})

describe('pod predicates', () => {
  it('ready only with a Ready condition that is True', () => {
    expect(isPodReady(makePod('p', { phase: 'Running', ready: true }))).toBe(true)
    expect(isPodReady(makePod('p', { phase: 'Running', ready: false }))).toBe(false)
    expect(isPodReady(makePod('p'))).toBe(false)
  })

  it('active unless terminating or finished', () => {
    expect(isPodActive(makePod('p', { phase: 'Running' }))).toBe(true)
    expect(isPodActive(makePod('p'))).toBe(true)
    expect(isPodActive(makePod('p', { phase: 'Running', deleting: true }))).toBe(false)
    expect(isPodActive(makePod('p', { phase: 'Succeeded' }))).toBe(false)
    expect(isPodActive(makePod('p', { phase: 'Failed' }))).toBe(false)
  })

  it('available once ready for minReadySeconds, and not without a transition time', () => {
    const pod = makePod('p', { phase: 'Running', ready: true, readySince: T0 })
    expect(isPodAvailable(pod, 0, T0)).toBe(true)
    expect(isPodAvailable(pod, 10, T0 + 9_999)).toBe(false)
    expect(isPodAvailable(pod, 10, T0 + 10_000)).toBe(true)
    expect(isPodAvailable(makePod('p', { phase: 'Running', ready: true }), 10, T0 + 60_000)).toBe(false)
    expect(isPodAvailable(makePod('p', { phase: 'Running', ready: false, readySince: T0 }), 0, T0)).toBe(false)
  })
})
