import { existsSync, readdirSync, readFileSync } from 'node:fs'

/**
 * Test containers run detached from the agent by design, so a test run that was killed before its
 * cleanup leaves them running, holding host ports the next run needs. Before the suite starts,
 * kill process-runtime wrappers whose test data dir no longer exists.
 */
export default function setup(): void {
  for (const pid of readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
    let cmd: string[]
    try {
      cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0')
    } catch {
      continue
    }
    const at = cmd.indexOf('shoal-wrapper')
    const dir = at >= 0 ? cmd[at + 1] : undefined
    if (dir === undefined || !/^\/tmp\/shoal-/.test(dir) || existsSync(dir)) continue
    try {
      process.kill(-Number(pid), 'SIGKILL')
    } catch {
      // gone already
    }
  }
}
