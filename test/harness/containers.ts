import { readdir, readFile } from 'node:fs/promises'
import { join } from 'node:path'

/**
 * Process-runtime containers outlive their agent on purpose (a restarted agent adopts them), so a
 * test that is done with a data dir must kill them itself: every container's process group.
 */
export async function killProcessContainers(dataDir: string): Promise<number> {
  const dir = join(dataDir, 'containers')
  let killed = 0
  for (const id of await readdir(dir).catch(() => [] as string[])) {
    const pid = Number((await readFile(join(dir, id, 'pid'), 'utf8').catch(() => '')).trim())
    if (!Number.isInteger(pid) || pid <= 1) continue
    try {
      process.kill(-pid, 'SIGKILL')
      killed++
    } catch {
      // already gone
    }
  }
  return killed
}
