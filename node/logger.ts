import { pino } from 'pino'
import type { Logger } from 'pino'

export type { Logger }

export interface LoggerInit {
  level?: string
  /** Pretty, human-oriented output; the CLI turns this on when stdout is a TTY. */
  pretty?: boolean
  /** Write to this file descriptor instead of stdout (tests pass a sink). */
  destination?: pino.DestinationStream
}

/** The agent's root logger; every line carries the node name so merged logs stay readable. */
export function createLogger(nodeName: string, init: LoggerInit = {}): Logger {
  const options: pino.LoggerOptions = {
    level: init.level ?? 'info',
    base: { node: nodeName },
    timestamp: pino.stdTimeFunctions.isoTime,
  }
  if (init.pretty === true) {
    return pino({ ...options, transport: { target: 'pino-pretty', options: { colorize: true, ignore: 'pid,hostname' } } })
  }
  return init.destination !== undefined ? pino(options, init.destination) : pino(options)
}

/** A logger that drops everything, for unit tests of components. */
export function silentLogger(): Logger {
  return pino({ level: 'silent' })
}
