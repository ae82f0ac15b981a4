import { availableParallelism, freemem, loadavg, totalmem } from 'node:os'
import type { Resources } from './heartbeat.js'

/** This machine's capacity; flags override what the OS reports. */
export function machineCapacity(override: { cpuMillis?: number; memoryBytes?: number } = {}): Resources {
  return {
    cpuMillis: override.cpuMillis ?? availableParallelism() * 1000,
    memoryBytes: override.memoryBytes ?? totalmem(),
  }
}

export function machineUsage(): { memoryBytes: number; load1: number } {
  return { memoryBytes: totalmem() - freemem(), load1: Math.round(loadavg()[0]! * 100) / 100 }
}
