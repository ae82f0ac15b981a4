// Clean-up steps that run however a benchmark ends: it returns, it throws, or it gets SIGINT or
// SIGTERM. A benchmark that starts a swarm or containers on a shared engine must not leave them.

interface Step {
  name: string
  run: () => Promise<unknown>
}

export class CleanupStack {
  private steps: Step[] = []
  private running: Promise<string[]> | undefined

  /** Register a step; the returned function unregisters it (the work was undone normally). */
  push(name: string, run: () => Promise<unknown>): () => void {
    const step = { name, run }
    this.steps.push(step)
    return () => {
      this.steps = this.steps.filter((s) => s !== step)
    }
  }

  /** Run every step, newest first, once; returns the failures as `name: message`. */
  run(): Promise<string[]> {
    this.running ??= (async () => {
      const failures: string[] = []
      for (const step of this.steps.reverse()) {
        try {
          await step.run()
        } catch (err) {
          failures.push(`${step.name}: ${err instanceof Error ? err.message : String(err)}`)
        }
      }
      this.steps = []
      return failures
    })()
    return this.running
  }
}

/**
 * Run `fn` with a clean-up stack that is emptied when it settles or when the process is told to
 * stop; a signal exits with 128 + its number after the clean-up.
 */
export async function withCleanup<T>(fn: (cleanups: CleanupStack) => Promise<T>): Promise<T> {
  const cleanups = new CleanupStack()
  const onSignal = (signal: NodeJS.Signals): void => {
    process.stderr.write(`\n${signal}: cleaning up before exit\n`)
    void cleanups.run().finally(() => process.exit(signal === 'SIGINT' ? 130 : 143))
  }
  process.once('SIGINT', onSignal)
  process.once('SIGTERM', onSignal)
  try {
    return await fn(cleanups)
  } finally {
    const failures = await cleanups.run()
    process.off('SIGINT', onSignal)
    process.off('SIGTERM', onSignal)
    for (const f of failures) process.stderr.write(`clean-up failed: ${f}\n`)
  }
}
