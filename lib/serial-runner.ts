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
    this.running = this.job()
      .catch(this.onError)
      .finally(() => {
        this.running = undefined
        if (this.again) {
          this.again = false
          this.trigger()
        }
      })
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
