// Deterministic simulation, 5 initial voters; see sim-3-voters.test.ts.

import { describe, expect, it } from 'vitest'
import { seedBatches } from './seed-batches.js'

describe('raft simulation, 5 voters', () => {
  for (const b of seedBatches(100_001, 1500, 100, { voters: 5, steps: 400 })) {
    it(b.name, () => {
      expect(b.run()).toEqual([])
    })
  }
})
