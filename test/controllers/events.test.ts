import { describe, expect, it } from 'vitest'
import { aggregateEvent, dedupeKey, EventMismatchError, EventReasons, mergeInto, newEvent } from '../../node/controllers/index.js'
import type { NewEventInput } from '../../node/controllers/index.js'
import { iso, T0 } from './fixtures.js'

const base: NewEventInput = {
  involvedObject: { kind: 'Pod', namespace: 'prod', name: 'web-abcde', uid: 'uid-1' },
  reason: EventReasons.BackOff,
  message: 'Back-off restarting failed container web',
  type: 'Warning',
  source: { component: 'kubelet', host: 'n1' },
  now: T0,
}

describe('newEvent', () => {
  it('builds a core/v1 Event with count 1 in the object namespace', () => {
    const e = newEvent(base)
    expect(e).toMatchObject({
      apiVersion: 'v1',
      kind: 'Event',
      metadata: { namespace: 'prod' },
      involvedObject: base.involvedObject,
      reason: 'BackOff',
      type: 'Warning',
      count: 1,
      firstTimestamp: iso(T0),
      lastTimestamp: iso(T0),
      source: { component: 'kubelet', host: 'n1' },
      reportingComponent: 'kubelet',
      reportingInstance: 'n1',
    })
    expect(e.metadata.name).toMatch(/^web-abcde\.[0-9a-f]+$/)
  })

  it('names deterministically, distinctly for different events in the same millisecond', () => {
    expect(newEvent(base).metadata.name).toBe(newEvent(base).metadata.name)
    expect(newEvent({ ...base, reason: 'Started' }).metadata.name).not.toBe(newEvent(base).metadata.name)
    expect(newEvent({ ...base, now: T0 + 1 }).metadata.name).not.toBe(newEvent(base).metadata.name)
    expect(newEvent({ ...base, name: 'fixed' }).metadata.name).toBe('fixed')
  })

  it('puts events of cluster-scoped objects in default', () => {
    const e = newEvent({ ...base, involvedObject: { kind: 'Node', name: 'n2' }, reason: EventReasons.NodeNotReady })
    expect(e.metadata.namespace).toBe('default')
  })
})

describe('event aggregation', () => {
  it('repeats share a key; a different message, reason, object or source does not', () => {
    const key = dedupeKey(newEvent(base))
    expect(dedupeKey(newEvent({ ...base, now: T0 + 5000 }))).toBe(key)
    expect(dedupeKey(newEvent({ ...base, message: 'other' }))).not.toBe(key)
    expect(dedupeKey(newEvent({ ...base, reason: 'Killing' }))).not.toBe(key)
    expect(dedupeKey(newEvent({ ...base, involvedObject: { ...base.involvedObject, uid: 'uid-2' } }))).not.toBe(key)
    expect(dedupeKey(newEvent({ ...base, source: { component: 'kubelet', host: 'n2' } }))).not.toBe(key)
  })

  it('mergeInto bumps count and lastTimestamp, keeping name and firstTimestamp', () => {
    const first = newEvent(base)
    const merged = mergeInto(mergeInto(first, newEvent({ ...base, now: T0 + 10_000 })), newEvent({ ...base, now: T0 + 20_000 }))
    expect(merged).toEqual({ ...first, count: 3, lastTimestamp: iso(T0 + 20_000) })
    expect(first.count).toBe(1)
    expect(mergeInto(merged, newEvent({ ...base, now: T0 + 5000 })).lastTimestamp).toBe(iso(T0 + 20_000))
    expect(() => mergeInto(first, newEvent({ ...base, message: 'other' }))).toThrow(EventMismatchError)
  })

  it('aggregateEvent updates the latest repeat within the window, else creates', () => {
    const old = newEvent(base)
    const recent = { ...newEvent({ ...base, now: T0 + 300_000, name: 'recent' }), count: 4 }
    const unrelated = newEvent({ ...base, reason: 'Started', now: T0 + 400_000 })
    const repeat = newEvent({ ...base, now: T0 + 600_000 })
    expect(aggregateEvent([old, recent, unrelated], repeat)).toEqual({ op: 'update', event: { ...recent, count: 5, lastTimestamp: iso(T0 + 600_000) } })
    expect(aggregateEvent([old, unrelated], repeat, 60_000)).toEqual({ op: 'create', event: repeat })
    expect(aggregateEvent([], repeat)).toEqual({ op: 'create', event: repeat })
  })
})
