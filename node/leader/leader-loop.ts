import { SerialRunner } from '../../lib/serial-runner.js'
import type { Logger } from '../logger.js'

/**
 * A level-triggered control loop: `run()` reads the current state and acts on the difference.
 * Triggers are coalesced and runs never overlap; a periodic resync catches anything a trigger
 * missed. Activated and deactivated as leadership comes and goes.
 */
export abstract class LeaderLoop {
  private timer: NodeJS.Timeout | undefined
  private active = false
  private readonly runner: SerialRunner

  constructor(
    protected readonly logger: Logger,
    private readonly resyncMs: number,
  ) {
    this.runner = new SerialRunner(
      () => this.run(),
      (err) => this.logger.error({ err }, 'control loop failed'),
    )
  }

  protected abstract run(): Promise<void>

  get isActive(): boolean {
    return this.active
  }

  activate(): void {
    if (this.active) return
    this.active = true
    this.runner.enable()
    this.timer = setInterval(() => this.trigger(), this.resyncMs)
    this.trigger()
  }

  async deactivate(): Promise<void> {
    this.active = false
    clearInterval(this.timer)
    await this.runner.disable()
  }

  trigger(): void {
    if (this.active) this.runner.trigger()
  }
}
