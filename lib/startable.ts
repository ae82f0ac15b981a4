/** The lifecycle of anything holding a socket, timer, file or process (after js-libp2p). */
export interface Startable {
  start(): Promise<void> | void
  stop(): Promise<void> | void
}

/** Start in order; when one fails, stop those already started (in reverse) and rethrow. */
export async function startAll(items: Startable[]): Promise<void> {
  const started: Startable[] = []
  try {
    for (const item of items) {
      await item.start()
      started.push(item)
    }
  } catch (err) {
    await stopAll(started)
    throw err
  }
}

/** Stop in reverse order; every item is stopped even when one throws, then the first error is rethrown. */
export async function stopAll(items: Startable[]): Promise<void> {
  let first: unknown
  for (const item of [...items].reverse()) {
    try {
      await item.stop()
    } catch (err) {
      first ??= err
    }
  }
  if (first !== undefined) throw first
}
