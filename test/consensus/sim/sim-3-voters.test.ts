// Deterministic simulation, 3 initial voters (plus spares that join as learners and voters):
// safety after every event, liveness once the faults stop. Failures print seed and replay command.

import { describe, expect, it } from 'vitest'
import { seedBatches } from './seed-batches.js'

describe('raft simulation, 3 voters', () => {
  for (const b of seedBatches(1, 1500, 100, { voters: 3, steps: 400 })) {
    it(b.name, () => {
      expect(b.run()).toEqual([])
    })
  }
})
