import { describe, expect, it } from 'vitest'
import { Prng } from '../../../lib/prng.js'
import type { FormationCandidate, FormationStep, FormationView } from '../../../node/consensus/formation-plan.js'
import { planFormation } from '../../../node/consensus/formation-plan.js'

const view = (self: string, candidates: FormationCandidate[], proposal?: string[]): FormationView => ({ self, expect: 3, candidates, proposal })

describe('planFormation', () => {
  it('waits until it sees the expected number of nodes, then proposes the lowest ids it sees', () => {
    expect(planFormation(view('b', [{ id: 'a' }]))).toMatchObject({ kind: 'wait' })
    expect(planFormation(view('b', [{ id: 'd' }, { id: 'a' }, { id: 'c' }]))).toEqual({ kind: 'propose', voters: ['a', 'b', 'c'] })
  })

  it('bootstraps only once every proposed voter advertises the very same set', () => {
    const mine = ['a', 'b', 'c']
    expect(planFormation(view('a', [{ id: 'b', proposal: mine }, { id: 'c' }], mine))).toMatchObject({ kind: 'wait' })
    expect(planFormation(view('a', [{ id: 'b', proposal: mine }, { id: 'c', proposal: ['a', 'c', 'd'] }], mine))).toMatchObject({
      kind: 'wait',
      reason: expect.stringContaining('c'),
    })
    expect(planFormation(view('a', [{ id: 'b', proposal: ['b', 'c', 'a'] }, { id: 'c', proposal: mine }], mine))).toEqual({ kind: 'bootstrap', voters: mine })
  })

  it('adopts a set already advertised around it, so that late nodes fall in line', () => {
    const theirs = ['a', 'b', 'd']
    expect(planFormation(view('c', [{ id: 'a', proposal: theirs }, { id: 'b' }]))).toEqual({ kind: 'propose', voters: theirs })
    expect(planFormation(view('e', [{ id: 'b', proposal: theirs }]))).toEqual({ kind: 'propose', voters: theirs })
  })

  it('keeps its proposal even when it sees lower ids later, and never bootstraps a set it is not in', () => {
    const mine = ['b', 'c', 'd']
    const later = [{ id: 'a' }, { id: 'c', proposal: mine }, { id: 'd', proposal: mine }]
    expect(planFormation(view('b', later, mine))).toEqual({ kind: 'bootstrap', voters: mine })
    expect(planFormation(view('e', [{ id: 'a' }, { id: 'b' }], ['a', 'b', 'c']))).toMatchObject({ kind: 'wait' })
  })

  it('the old rule (N lowest ids in view) would diverge where this one agrees or waits', () => {
    // a sees {a,b,c} while d is not yet in view; d sees {a,b,d} while c is not
    const lowest = (self: string, seen: string[]): string[] => [self, ...seen].sort().slice(0, 3)
    expect(lowest('a', ['b', 'c'])).not.toEqual(lowest('d', ['a', 'b']))
    const a = planFormation(view('a', [{ id: 'b' }, { id: 'c' }]))
    const d = planFormation(view('d', [{ id: 'a' }, { id: 'b' }]))
    expect([a.kind, d.kind]).toEqual(['propose', 'propose'])
    // b advertises one of the two sets at most, so at most one of them ever gathers every vote
    const b = ['a', 'b', 'c']
    expect(planFormation(view('d', [{ id: 'a', proposal: b }, { id: 'b', proposal: b }], ['a', 'b', 'd']))).toMatchObject({ kind: 'wait' })
  })
})

interface SimNode {
  id: string
  startAt: number
  proposal: string[] | undefined
  formed: string[] | undefined
}

/**
 * Seeded runs: 3 to 7 nodes all started with --bootstrap-expect 3 at random times, each looking at
 * a random subset of the others through possibly stale heartbeats. A proposal never changes, so
 * the only stale value of one is "none yet", which is what a dropped field stands for here.
 */
function run(seed: number): { formed: string[][]; nodes: number } {
  const prng = new Prng(seed)
  const n = prng.int(3, 8)
  const nodes: SimNode[] = Array.from({ length: n }, (_, i) => ({ id: `n${prng.int(0, 1000).toString().padStart(3, '0')}-${i}`, startAt: prng.int(0, 20), proposal: undefined, formed: undefined }))
  for (let t = 0; t < 200; t++) {
    const x = prng.pick(nodes)
    if (x.startAt > t || x.formed !== undefined) continue
    const candidates = nodes
      .filter((y) => y !== x && y.startAt <= t && y.formed === undefined && prng.chance(0.7))
      .map((y) => ({ id: y.id, ...(y.proposal !== undefined && prng.chance(0.8) ? { proposal: y.proposal } : {}) }))
    const step: FormationStep = planFormation({ self: x.id, expect: 3, candidates, proposal: x.proposal })
    if (step.kind === 'propose') x.proposal = step.voters
    if (step.kind === 'bootstrap') x.formed = step.voters
  }
  return { formed: nodes.flatMap((x) => (x.formed !== undefined ? [x.formed] : [])), nodes: n }
}

describe('planFormation under random views', () => {
  it('never lets two nodes bootstrap different voter sets that share a node (2,000 seeds)', () => {
    let formedRuns = 0
    for (let seed = 1; seed <= 2000; seed++) {
      const { formed, nodes } = run(seed)
      if (formed.length > 0) formedRuns++
      for (const s of formed) {
        for (const o of formed) {
          const shared = s.some((id) => o.includes(id))
          if (shared) expect(o, `seed ${seed} (${nodes} nodes)`).toEqual(s)
        }
      }
    }
    // the check has something to check
    expect(formedRuns).toBeGreaterThan(500)
  })

  it('with exactly the expected nodes, all in view, every one of them forms the same set', () => {
    const ids = ['x', 'y', 'z']
    const proposals = new Map<string, string[]>()
    for (const self of ids) {
      const step = planFormation({ self, expect: 3, candidates: ids.filter((i) => i !== self).map((id) => ({ id })), proposal: undefined })
      if (step.kind === 'propose') proposals.set(self, step.voters)
    }
    for (const self of ids) {
      const candidates = ids.filter((i) => i !== self).map((id) => ({ id, proposal: proposals.get(id)! }))
      expect(planFormation({ self, expect: 3, candidates, proposal: proposals.get(self) })).toEqual({ kind: 'bootstrap', voters: ids })
    }
  })
})
