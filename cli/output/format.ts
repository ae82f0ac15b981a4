import { stringify } from 'yaml'
import { CliError } from '../client.js'

export type OutputFormat = 'table' | 'wide' | 'json' | 'yaml' | 'name'

export function parseOutput(value: string | undefined, allowed: OutputFormat[] = ['wide', 'json', 'yaml', 'name']): OutputFormat {
  if (value === undefined) return 'table'
  if (!allowed.includes(value as OutputFormat)) throw new CliError(`unknown output format "${value}"; use one of: ${allowed.join(', ')}`)
  return value as OutputFormat
}

/** JSON and YAML for scripts; tables are the caller's. */
export function formatStructured(value: unknown, format: 'json' | 'yaml'): string {
  return format === 'json' ? JSON.stringify(value, null, 2) : stringify(value).trimEnd()
}
