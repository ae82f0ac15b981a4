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

export interface SettleOptions {
  /** How long a key must stay missing before it counts as gone (default 0). */
  settleMs?: number
  /**
   * Keys seen deleted, which count as gone at once: a deletion is proof, unlike absence, which a
   * store that has not converged yet can show for an object that exists.
   */
  confirmedGone?: ReadonlySet<string>
}

/** Whether a key of `log` counts as gone at `now`: confirmed gone, or missing for `settleMs`. */
export function isSettled(log: AbsenceLog, key: string, now: number, options: SettleOptions): boolean {
  return options.confirmedGone?.has(key) === true || now - (log.get(key) ?? now) >= (options.settleMs ?? 0)
}
