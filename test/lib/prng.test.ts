import { describe, expect, it } from 'vitest'
import { Prng } from '../../lib/prng.js'

describe('Prng', () => {
  it('replays the same sequence from the same seed', () => {
    const a = new Prng(42)
    const b = new Prng(42)
    const seqA = Array.from({ length: 100 }, () => a.next())
    const seqB = Array.from({ length: 100 }, () => b.next())
    expect(seqA).toEqual(seqB)
    expect(new Set(seqA).size).toBe(100)
  })

  it('keeps int() within its bounds and covers them', () => {
    const p = new Prng(7)
    const seen = new Set<number>()
    for (let i = 0; i < 1000; i++) {
      const v = p.int(3, 8)
      expect(v).toBeGreaterThanOrEqual(3)
      expect(v).toBeLessThan(8)
      seen.add(v)
    }
    expect([...seen].sort()).toEqual([3, 4, 5, 6, 7])
  })
})
