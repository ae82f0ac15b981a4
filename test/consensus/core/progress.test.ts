import { describe, expect, it } from 'vitest'
import { Inflights } from '../../../consensus/core/inflights.js'
import { Progress } from '../../../consensus/core/progress.js'

function progress(next: number, match = 0, size = 4): Progress {
  return new Progress({ next, match, isLearner: false, inflights: new Inflights(size) })
}

describe('inflights', () => {
  it('fills up by count and frees by acknowledged index', () => {
    const inf = new Inflights(3)
    inf.add(5, 10)
    inf.add(7, 10)
    expect(inf.full()).toBe(false)
    inf.add(9, 10)
    expect(inf.full()).toBe(true)
    expect(() => inf.add(10, 1)).toThrow()
    inf.freeLE(6)
    expect(inf.count()).toBe(2)
    expect(inf.full()).toBe(false)
    inf.freeLE(100)
    expect(inf.count()).toBe(0)
  })

  it('fills up by bytes', () => {
    const inf = new Inflights(100, 50)
    inf.add(1, 30)
    expect(inf.full()).toBe(false)
    inf.add(2, 30)
    expect(inf.full()).toBe(true)
    inf.freeLE(1)
    expect(inf.full()).toBe(false)
  })

  it('keeps working across many add/free cycles', () => {
    const inf = new Inflights(8)
    for (let i = 1; i <= 1000; i++) {
      inf.add(i, 1)
      if (i % 3 === 0) inf.freeLE(i - 2)
    }
    expect(inf.count()).toBeLessThanOrEqual(8)
    inf.freeLE(1000)
    expect(inf.count()).toBe(0)
  })
})

describe('progress', () => {
  it('probes one append at a time', () => {
    const pr = progress(5)
    expect(pr.isPaused()).toBe(false)
    pr.sentEntries(2, 20)
    expect(pr.isPaused()).toBe(true)
    // An acknowledgement resumes it.
    expect(pr.maybeUpdate(6)).toBe(true)
    expect(pr.isPaused()).toBe(false)
    expect(pr.next).toBe(7)
  })

  it('pipelines in replicate until the window is full', () => {
    const pr = progress(5, 4, 2)
    pr.becomeReplicate()
    pr.sentEntries(1, 10)
    expect(pr.next).toBe(6)
    expect(pr.isPaused()).toBe(false)
    pr.sentEntries(1, 10)
    expect(pr.isPaused()).toBe(true)
  })

  it('ignores stale acknowledgements', () => {
    const pr = progress(10, 8)
    expect(pr.maybeUpdate(7)).toBe(false)
    expect(pr.match).toBe(8)
  })

  it('backs off to the hint on a rejection in probe', () => {
    const pr = progress(10, 2)
    // Only a rejection of the outstanding probe (prev index next-1 = 9) counts.
    expect(pr.maybeDecrTo(8, 3)).toBe(false)
    expect(pr.maybeDecrTo(9, 3)).toBe(true)
    expect(pr.next).toBe(4)
    // Never below match+1.
    expect(pr.maybeDecrTo(3, 0)).toBe(true)
    expect(pr.next).toBe(3)
  })

  it('falls back to match+1 on a rejection in replicate', () => {
    const pr = progress(5, 4)
    pr.becomeReplicate()
    pr.sentEntries(3, 30)
    expect(pr.next).toBe(8)
    expect(pr.maybeDecrTo(4, 0)).toBe(false) // at or below match: stale
    expect(pr.maybeDecrTo(6, 2)).toBe(true)
    expect(pr.next).toBe(5)
  })

  it('pauses while a snapshot is in flight and resumes after it', () => {
    const pr = progress(3, 1)
    pr.becomeSnapshot(20)
    expect(pr.isPaused()).toBe(true)
    expect(pr.next).toBe(21)
    pr.becomeProbe()
    expect(pr.state).toBe('probe')
    expect(pr.next).toBe(21)
  })

  it('tells whether an empty append would carry a newer commit', () => {
    const pr = progress(10, 9)
    pr.recordSentCommit(5)
    expect(pr.canBumpCommit(7)).toBe(true)
    expect(pr.canBumpCommit(5)).toBe(false)
    pr.recordSentCommit(9)
    expect(pr.canBumpCommit(12)).toBe(false) // follower cannot use more than next-1
  })
})
