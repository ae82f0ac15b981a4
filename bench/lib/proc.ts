import { readFile } from 'node:fs/promises'

/** Resident set size of a live process, from /proc (Linux), in MiB to one decimal. */
export async function rssMiB(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8')
  const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? NaN)
  return Math.round((kb / 1024) * 10) / 10
}
