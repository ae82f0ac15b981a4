/**
 * When each key was first seen missing, carried by the caller from one round to the next (the
 * functions here stay pure; the loop holds the state, as etcd's raft hands state back in Ready).
 */
export type AbsenceLog = ReadonlyMap<string, number>

/** The keys missing now, each with the time it was first seen missing; present keys drop out. */
export function noteAbsences(previous: AbsenceLog | undefined, missing: Iterable<string>, now: number): Map<string, number> {
  const next = new Map<string, number>()
  for (const key of missing) next.set(key, previous?.get(key) ?? now)
  return next
}
