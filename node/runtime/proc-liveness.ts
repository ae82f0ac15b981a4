import { readFileSync } from 'node:fs'
import { readFile } from 'node:fs/promises'
import { delay } from './delay.js'

/** The parts of /proc/<pid>/stat that identify a process and tell whether it still runs. */
export interface ProcStat {
  /** Single-letter state; Z (zombie) and X (dead) mean it has exited. */
  state: string
  pgrp: number
  /** Start time in clock ticks after boot: with the boot id, tells a process from a later one with the same pid. */
  startTicks: number
}

/** Where a process was seen to start, recorded at spawn time to guard against pid reuse. */
export interface ProcessIdentity {
  pid: number
  startTicks: number
  bootId: string
}

export type Liveness = 'alive' | 'zombie' | 'gone'

function parseStat(text: string): ProcStat | undefined {
  // The command name (field 2) may hold spaces and parentheses; fields after its last ')' are fixed.
  const fields = text.slice(text.lastIndexOf(')') + 2).split(' ')
  const state = fields[0]
  const pgrp = Number(fields[2])
  const startTicks = Number(fields[19])
  if (state === undefined || !Number.isFinite(pgrp) || !Number.isFinite(startTicks)) return undefined
  return { state, pgrp, startTicks }
}

export async function readProcStat(pid: number): Promise<ProcStat | undefined> {
  try {
    return parseStat(await readFile(`/proc/${pid}/stat`, 'utf8'))
  } catch {
    return undefined
  }
}

let cachedBootId: string | undefined

function bootIdSync(): string {
  cachedBootId ??= readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim()
  return cachedBootId
}

export async function bootId(): Promise<string> {
  cachedBootId ??= (await readFile('/proc/sys/kernel/random/boot_id', 'utf8')).trim()
  return cachedBootId
}

/**
 * Identify a child synchronously, right after spawning it: until the event loop turns, Node has
 * not reaped it, so even a child that already exited still has its /proc entry (as a zombie).
 */
export function identifySync(pid: number): ProcessIdentity | undefined {
  let stat: ProcStat | undefined
  try {
    stat = parseStat(readFileSync(`/proc/${pid}/stat`, 'utf8'))
  } catch {
    return undefined
  }
  return stat === undefined ? undefined : { pid, startTicks: stat.startTicks, bootId: bootIdSync() }
}

export async function identify(pid: number): Promise<ProcessIdentity | undefined> {
  const stat = await readProcStat(pid)
  return stat === undefined ? undefined : { pid, startTicks: stat.startTicks, bootId: await bootId() }
}

/**
 * Whether the process recorded as `who` still exists. A different start time or boot means the
 * pid now belongs to another process, and the recorded one is gone. A zombie has exited but
 * still holds its pid (and so its process group id), so signalling its group stays safe.
 */
export async function liveness(who: ProcessIdentity): Promise<Liveness> {
  const stat = await readProcStat(who.pid)
  if (stat === undefined || stat.startTicks !== who.startTicks || who.bootId !== (await bootId())) return 'gone'
  return stat.state === 'Z' || stat.state === 'X' ? 'zombie' : 'alive'
}

/** Signal a whole process group; false when it no longer exists. */
export function signalGroup(pgid: number, signal: NodeJS.Signals): boolean {
  try {
    process.kill(-pgid, signal)
    return true
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ESRCH') return false
    throw err
  }
}

/** Poll until `who` is no longer alive or `timeoutMs` passes; true when it is no longer alive. */
export async function waitForExit(who: ProcessIdentity, timeoutMs: number, pollMs = 25): Promise<boolean> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    if ((await liveness(who)) !== 'alive') return true
    if (Date.now() >= deadline) return false
    await delay(pollMs)
  }
}

/** The command line of a process (NUL-separated arguments), or undefined when it is gone. */
export async function readCmdline(pid: number): Promise<string[] | undefined> {
  try {
    const raw = await readFile(`/proc/${pid}/cmdline`, 'utf8')
    return raw.split('\0').filter((s) => s !== '')
  } catch {
    return undefined
  }
}
