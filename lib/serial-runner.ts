/**
 * Runs an async job on demand, never two at once: triggers that arrive while it runs are folded
 * into one more run afterwards. The shape every level-triggered control loop here needs.
 */
export class SerialRunner {
  private running: Promise<void> | undefined
  private again = false
  private enabled = true

  constructor(
    private readonly job: () => Promise<void>,
    private readonly onError: (err: unknown) => void,
  ) {}

  trigger(): void {
    if (!this.enabled) return
    if (this.running !== undefined) {
      this.again = true
      return
    }
    // Start on the next microtask, so that `running` is set before the job's synchronous part
    // can trigger again (which must fold into a later run, not start a nested one).
    this.running = Promise.resolve().then(() => this.loop())
  }

  private async loop(): Promise<void> {
    try {
      do {
        this.again = false
        try {
          await this.job()
        } catch (err) {
          this.onError(err)
        }
        // Yield to timers and I/O before the next run. A job that re-triggers itself after a
        // failure that comes back at once would otherwise spin on microtasks and starve the very
        // timers (raft ticks, timeouts) that end the failure.
        if (this.again && this.enabled) await new Promise<void>((resolve) => setImmediate(resolve))
      } while (this.again && this.enabled)
    } finally {
      this.running = undefined
    }
  }

  enable(): void {
    this.enabled = true
  }

  /** Stop accepting triggers and wait for the current run to finish. */
  async disable(): Promise<void> {
    this.enabled = false
    this.again = false
    await this.running
  }
}
