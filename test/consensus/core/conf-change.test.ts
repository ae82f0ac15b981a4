import { describe, expect, it } from 'vitest'
import type { ConfChange } from '../../../consensus/core/conf-change.js'
import { decodeConfChange, encodeConfChange, enterJoint, isLeaveJoint, leaveJointConfChange } from '../../../consensus/core/conf-change.js'
import { ConfChanger, restoreConfig } from '../../../consensus/core/conf-changer.js'
import { ConfChangeDecodeError, ConfChangeInvalidError } from '../../../consensus/core/errors.js'
import { ProgressTracker } from '../../../consensus/core/progress-tracker.js'
import { describeTrackerConfig } from '../../../consensus/core/progress-tracker.js'
import type { ConfState } from '../../../consensus/core/types.js'
import { emptyConfState } from '../../../consensus/core/types.js'

describe('conf change encoding', () => {
  it('round-trips changes, transition and context', () => {
    const cc: ConfChange = {
      transition: 'joint-explicit',
      changes: [
        { type: 'add-node', nodeId: '12D3KooWA' },
        { type: 'remove-node', nodeId: '12D3KooWB' },
        { type: 'add-learner', nodeId: '12D3KooWC' },
      ],
      context: Uint8Array.from([1, 2, 255]),
    }
    expect(decodeConfChange(encodeConfChange(cc))).toEqual(cc)
    const simple: ConfChange = { transition: 'auto', changes: [{ type: 'add-learner', nodeId: 'n4' }] }
    expect(decodeConfChange(encodeConfChange(simple))).toEqual(simple)
  })

  it('encodes the leave-joint change as zero bytes', () => {
    expect(encodeConfChange(leaveJointConfChange()).length).toBe(0)
    expect(isLeaveJoint(decodeConfChange(new Uint8Array(0)))).toBe(true)
  })

  it('rejects malformed bytes with ConfChangeDecodeError', () => {
    const bad = ['{', '[]', '{"t":"sideways","c":[]}', '{"t":"auto","c":[["add-node"]]}', '{"t":"auto","c":[["evict","n1"]]}', '{"t":"auto","c":[["add-node",""]]}']
    for (const s of bad) expect(() => decodeConfChange(new TextEncoder().encode(s)), s).toThrow(ConfChangeDecodeError)
  })

  it('classifies transitions like etcd', () => {
    expect(enterJoint({ transition: 'auto', changes: [{ type: 'add-node', nodeId: 'a' }] })).toBeUndefined()
    expect(enterJoint({ transition: 'auto', changes: [{ type: 'add-node', nodeId: 'a' }, { type: 'add-node', nodeId: 'b' }] })).toEqual({ autoLeave: true })
    expect(enterJoint({ transition: 'joint-implicit', changes: [{ type: 'add-node', nodeId: 'a' }] })).toEqual({ autoLeave: true })
    expect(enterJoint({ transition: 'joint-explicit', changes: [{ type: 'add-node', nodeId: 'a' }] })).toEqual({ autoLeave: false })
  })
})

function tracker(cs: Partial<ConfState>): ProgressTracker {
  const t = new ProgressTracker(10, Infinity)
  const r = restoreConfig(() => t.newInflights(), 10, { ...emptyConfState(), ...cs })
  t.config = r.config
  t.progress = r.progress
  return t
}

function apply(t: ProgressTracker, cc: ConfChange): string {
  const r = new ConfChanger(t, 10).apply(cc)
  t.config = r.config
  t.progress = r.progress
  return describeTrackerConfig(t.config)
}

const v = (nodeId: string) => ({ type: 'add-node' as const, nodeId })
const l = (nodeId: string) => ({ type: 'add-learner' as const, nodeId })
const r = (nodeId: string) => ({ type: 'remove-node' as const, nodeId })

describe('conf changer', () => {
  it('applies single changes directly', () => {
    const t = tracker({ voters: ['a'] })
    expect(apply(t, { transition: 'auto', changes: [v('b')] })).toBe('voters=(a b)')
    expect(apply(t, { transition: 'auto', changes: [l('c')] })).toBe('voters=(a b) learners=(c)')
    expect(apply(t, { transition: 'auto', changes: [v('c')] })).toBe('voters=(a b c)') // promote
    expect(apply(t, { transition: 'auto', changes: [l('b')] })).toBe('voters=(a c) learners=(b)') // demote
    expect(apply(t, { transition: 'auto', changes: [r('b')] })).toBe('voters=(a c)')
    // Re-adding an existing voter changes nothing.
    expect(apply(t, { transition: 'auto', changes: [v('a')] })).toBe('voters=(a c)')
  })

  it('refuses to change two voters without joint consensus', () => {
    const t = tracker({ voters: ['a', 'b', 'c'] })
    expect(() => new ConfChanger(t, 10).simple([v('d'), r('a')])).toThrow(ConfChangeInvalidError)
    // Learner changes do not count.
    expect(() => new ConfChanger(t, 10).simple([v('d'), l('e'), l('f')])).not.toThrow()
  })

  it('refuses to remove the last voter', () => {
    const t = tracker({ voters: ['a'] })
    expect(() => new ConfChanger(t, 10).apply({ transition: 'auto', changes: [r('a')] })).toThrow(/removed all voters/)
  })

  it('enters and leaves a joint configuration', () => {
    const t = tracker({ voters: ['a', 'b', 'c'] })
    expect(apply(t, { transition: 'auto', changes: [v('d'), r('a')] })).toBe('voters=(b c d)&&(a b c) autoleave')
    // Only leaving is possible while joint.
    expect(() => new ConfChanger(t, 10).apply({ transition: 'auto', changes: [v('e')] })).toThrow(ConfChangeInvalidError)
    expect(() => new ConfChanger(t, 10).enterJoint(false, [v('e')])).toThrow(/already joint/)
    expect(apply(t, leaveJointConfChange())).toBe('voters=(b c d)')
    expect(t.progress.has('a')).toBe(false)
    expect(() => new ConfChanger(t, 10).leaveJoint()).toThrow(/non-joint/)
  })

  it('keeps a demoted voter voting in the outgoing half until the joint config is left', () => {
    const t = tracker({ voters: ['a', 'b', 'c'] })
    expect(apply(t, { transition: 'joint-explicit', changes: [l('a'), v('d')] })).toBe('voters=(b c d)&&(a b c) learners_next=(a)')
    expect(t.progress.get('a')!.isLearner).toBe(false)
    expect(apply(t, leaveJointConfChange())).toBe('voters=(b c d) learners=(a)')
    expect(t.progress.get('a')!.isLearner).toBe(true)
  })

  it('restores joint configurations from a ConfState', () => {
    const cs: ConfState = { voters: ['b', 'c', 'd'], votersOutgoing: ['a', 'b', 'c'], learners: ['e'], learnersNext: ['a'], autoLeave: true }
    const t = tracker(cs)
    expect(describeTrackerConfig(t.config)).toBe('voters=(b c d)&&(a b c) learners=(e) learners_next=(a) autoleave')
    expect(t.confState()).toEqual(cs)
  })

  it('starts new members probing and leaves the tracker untouched on error', () => {
    const t = tracker({ voters: ['a'] })
    const before = describeTrackerConfig(t.config)
    expect(() => new ConfChanger(t, 10).apply({ transition: 'auto', changes: [r('a')] })).toThrow()
    expect(describeTrackerConfig(t.config)).toBe(before)
    apply(t, { transition: 'auto', changes: [l('x')] })
    const pr = t.progress.get('x')!
    expect(pr.state).toBe('probe')
    expect(pr.next).toBe(10)
    expect(pr.isLearner).toBe(true)
  })
})
