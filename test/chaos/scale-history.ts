/** Annotation each chaos scale writes with its sequence number, so later writes can tell what they saw. */
export const SCALE_ANNOTATION_PREFIX = 'chaos.shoal.io/scale-'

export interface ScaleWrite {
  seq: number
  controller: string
  replicas: number
  /** 'acked': the API answered 200. 'unknown': no answer came (the agent died mid-request), so it may have been applied. */
  outcome: 'acked' | 'unknown'
  /** Sequence numbers of this controller's earlier scales the target node held before this one was written. */
  seen: number[]
}

export interface AllowedReplicas {
  values: number[]
  /** Why these values, for the check's detail line. */
  reason: string
}

/**
 * Which spec.replicas a controller may end with. A spec is last-writer-wins in the CRDT, but "last"
 * is causal, not wall-clock: two scales written on opposite sides of a partition are concurrent,
 * and Yjs picks one of them deterministically, not necessarily the later one. So the final value
 * must come from a write that no acknowledged later write had already seen. Scales written on a
 * healthy cluster see their predecessors, and then this is exactly the last acknowledged value.
 * With no acknowledged scale, the initial value (or an unanswered write) stands.
 */
export function allowedReplicas(initial: number, writes: readonly ScaleWrite[]): AllowedReplicas {
  const acked = writes.filter((w) => w.outcome === 'acked')
  const superseded = new Set(acked.flatMap((w) => w.seen))
  const open = writes.filter((w) => !superseded.has(w.seq))
  const values = new Set(open.map((w) => w.replicas))
  if (acked.length === 0) values.add(initial)
  const last = acked.at(-1)
  const describe = (w: ScaleWrite): string => `#${w.seq}=${w.replicas}${w.outcome === 'unknown' ? '?' : ''}`
  let reason: string
  if (last === undefined) reason = `no acknowledged scale: initial ${initial}${open.length > 0 ? ` or unanswered ${open.map(describe).join(', ')}` : ''}`
  else if (open.length === 1 && open[0] === last) reason = `last acknowledged scale ${describe(last)}`
  else reason = `concurrent scales ${open.map(describe).join(', ')}`
  return { values: [...values].sort((a, b) => a - b), reason }
}
