import { readFile } from 'node:fs/promises'

/** Resident set size of a live process, from /proc (Linux), in MiB to one decimal. */
export async function rssMiB(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8')
  const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? NaN)
  return Math.round((kb / 1024) * 10) / 10
}

/** CPU time (user + system) a live process has used, in seconds (Linux, 100 ticks/s). */
export async function cpuSeconds(pid: number): Promise<number> {
  const fields = (await readFile(`/proc/${pid}/stat`, 'utf8')).split(') ')[1]!.split(' ')
  return (Number(fields[11]) + Number(fields[12])) / 100
}

/** An idle process's resident memory and share of one core over `windowMs`. */
export async function idleUsage(pid: number, windowMs = 5000): Promise<{ rss: number; cpuPct: number }> {
  const c0 = await cpuSeconds(pid)
  await new Promise((resolve) => setTimeout(resolve, windowMs))
  const cpuPct = Math.round(((await cpuSeconds(pid)) - c0) / (windowMs / 1000) * 1000) / 10
  return { rss: await rssMiB(pid), cpuPct }
}
