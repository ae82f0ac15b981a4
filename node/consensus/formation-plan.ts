// --bootstrap-expect N: how nodes with no raft state agree on the first voter set.
//
// Picking "the N lowest ids I can see" on each node is not enough: with more than N such nodes,
// or nodes that come into view at different times, two nodes can see different sets and each
// bootstrap its own — two configurations with the same log positions, which Raft cannot tell
// apart (log matching breaks). So formation is a small agreement instead:
//   1. A node proposes a voter set once and never changes it (the proposal is stored durably
//      before it is advertised in the heartbeat).
//   2. A node bootstraps its proposal only when every node in it advertises the very same set.
// Every node thus advertises at most one set in its life, so any two bootstrapped sets that share
// a node are equal. Disjoint sets need 2N nodes split into groups that never saw each other: two
// separate clusters, which the README calls a misconfiguration.
// How a node picks its proposal only matters for liveness: it adopts a set already advertised
// around it (so late nodes fall in line), else the N lowest ids once it sees N nodes. Nodes whose
// first proposals differ may never agree; formation then waits and warns (the agent also lets a
// node's view settle before it proposes, which makes that rare).

export interface FormationCandidate {
  id: string
  /** The voter set this node advertises, if it proposed one. */
  proposal?: readonly string[]
}

export interface FormationView {
  self: string
  expect: number
  /** Live nodes started with the same --bootstrap-expect and still without raft state, self included. */
  candidates: readonly FormationCandidate[]
  /** This node's own proposal, once made. */
  proposal: readonly string[] | undefined
}

export type FormationStep =
  | { kind: 'wait'; reason: string }
  | { kind: 'propose'; voters: string[] }
  | { kind: 'bootstrap'; voters: string[] }

function sameVoters(a: readonly string[] | undefined, b: readonly string[]): boolean {
  if (a === undefined || a.length !== b.length) return false
  const sorted = [...a].sort()
  return [...b].sort().every((id, i) => id === sorted[i])
}

/** What this node does next. Pure: the caller persists and advertises a proposal, then asks again. */
export function planFormation(v: FormationView): FormationStep {
  if (v.proposal === undefined) {
    const advertised = [...v.candidates]
      .sort((a, b) => (a.id < b.id ? -1 : 1))
      .find((c) => c.proposal !== undefined && c.proposal.length === v.expect)?.proposal
    if (advertised !== undefined) return { kind: 'propose', voters: [...advertised].sort() }
    const ids = [...new Set([v.self, ...v.candidates.map((c) => c.id)])].sort()
    if (ids.length < v.expect) return { kind: 'wait', reason: `${ids.length} of ${v.expect} expected nodes in view` }
    return { kind: 'propose', voters: ids.slice(0, v.expect) }
  }
  const proposal = [...v.proposal].sort()
  if (!proposal.includes(v.self)) return { kind: 'wait', reason: 'not among the proposed voters; their leader adds this node as a learner' }
  const byId = new Map(v.candidates.map((c) => [c.id, c.proposal]))
  const disagreeing = proposal.filter((id) => id !== v.self && !sameVoters(byId.get(id), proposal))
  if (disagreeing.length > 0) return { kind: 'wait', reason: `waiting for ${disagreeing.join(', ')} to propose the same voters` }
  return { kind: 'bootstrap', voters: proposal }
}
