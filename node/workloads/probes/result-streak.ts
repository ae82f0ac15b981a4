/**
 * Consecutive probe results and the outcome they settle on (the kubelet's `resultRun`): a run of
 * `successThreshold` successes settles on true, a run of `failureThreshold` failures on false;
 * anything shorter leaves the outcome as it was. Pure, so the thresholds are tested directly.
 */
export class ResultStreak {
  private last: boolean | undefined
  private run = 0

  constructor(
    private readonly successThreshold: number,
    private readonly failureThreshold: number,
    private settled: boolean | undefined,
  ) {}

  get outcome(): boolean | undefined {
    return this.settled
  }

  /** Count one result; returns the new outcome when this result changed it. */
  observe(ok: boolean): boolean | undefined {
    if (this.last === ok) this.run++
    else {
      this.last = ok
      this.run = 1
    }
    if (this.run < (ok ? this.successThreshold : this.failureThreshold) || this.settled === ok) return undefined
    this.settled = ok
    return ok
  }
}
