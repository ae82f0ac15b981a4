import { describe, expect, it } from 'vitest'
import { jointCommittedIndex, jointVoteResult, majorityCommittedIndex, majorityVoteResult } from '../../../consensus/core/quorum.js'

const acked = (m: Record<string, number>) => (id: string): number | undefined => m[id]
const votes = (m: Record<string, boolean>): Map<string, boolean> => new Map(Object.entries(m))

describe('majority quorum', () => {
  it('commits the highest index held by a majority', () => {
    const c = new Set(['a', 'b', 'c'])
    expect(majorityCommittedIndex(c, acked({ a: 5, b: 3, c: 1 }))).toBe(3)
    expect(majorityCommittedIndex(c, acked({ a: 5, b: 5, c: 1 }))).toBe(5)
    // A voter that acknowledged nothing counts as 0.
    expect(majorityCommittedIndex(c, acked({ a: 5 }))).toBe(0)
    // Four voters need three.
    expect(majorityCommittedIndex(new Set(['a', 'b', 'c', 'd']), acked({ a: 9, b: 8, c: 7, d: 1 }))).toBe(7)
  })

  it('treats an empty config as no constraint', () => {
    expect(majorityCommittedIndex(new Set(), acked({}))).toBe(Infinity)
    expect(majorityVoteResult(new Set(), votes({}))).toBe('won')
  })

  it('decides votes as soon as the outcome is certain', () => {
    const c = new Set(['a', 'b', 'c', 'd', 'e'])
    expect(majorityVoteResult(c, votes({ a: true, b: true }))).toBe('pending')
    expect(majorityVoteResult(c, votes({ a: true, b: true, c: true }))).toBe('won')
    expect(majorityVoteResult(c, votes({ a: false, b: false }))).toBe('pending')
    expect(majorityVoteResult(c, votes({ a: false, b: false, c: false }))).toBe('lost')
    // Votes of non-members do not count.
    expect(majorityVoteResult(c, votes({ x: true, y: true, z: true }))).toBe('pending')
  })
})

describe('joint quorum', () => {
  const joint = { incoming: new Set(['a', 'b', 'c']), outgoing: new Set(['c', 'd', 'e']) }

  it('commits only what both halves have on a majority', () => {
    // incoming majority has 5, outgoing majority only 2.
    expect(jointCommittedIndex(joint, acked({ a: 5, b: 5, c: 2, d: 2, e: 1 }))).toBe(2)
    expect(jointCommittedIndex(joint, acked({ a: 5, b: 5, c: 5, d: 5, e: 1 }))).toBe(5)
  })

  it('needs a majority of both halves to win a vote', () => {
    expect(jointVoteResult(joint, votes({ a: true, b: true }))).toBe('pending')
    expect(jointVoteResult(joint, votes({ a: true, b: true, d: true, e: true }))).toBe('won')
    // Lost in one half is lost overall.
    expect(jointVoteResult(joint, votes({ a: true, b: true, c: false, d: false }))).toBe('lost')
  })

  it('behaves like a majority when not joint', () => {
    const simple = { incoming: new Set(['a', 'b', 'c']), outgoing: new Set<string>() }
    expect(jointCommittedIndex(simple, acked({ a: 4, b: 3, c: 9 }))).toBe(4)
    expect(jointVoteResult(simple, votes({ a: true, c: true }))).toBe('won')
  })
})
