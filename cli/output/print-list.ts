import type { Printer } from '../printers/printer.js'
import type { OutputFormat } from './format.js'
import { formatStructured } from './format.js'
import { formatTable } from './table.js'

interface Named {
  metadata: { name: string }
}

/** Print a list (or one object) in the format the user asked for. */
export function printList<T extends Named>(
  list: { items: T[] } & Record<string, unknown>,
  printer: Printer<T>,
  format: OutputFormat,
  resource: string,
  single = false,
): string {
  if (format === 'json' || format === 'yaml') return formatStructured(single ? list.items[0] : list, format)
  if (format === 'name') return list.items.map((i) => `${resource}/${i.metadata.name}`).join('\n')
  if (list.items.length === 0) return 'No resources found.'
  const now = Date.now()
  const wide = format === 'wide' && printer.wideHeaders !== undefined && printer.wideRow !== undefined
  const headers = wide ? [...printer.headers, ...printer.wideHeaders!] : printer.headers
  const rows = list.items.map((i) => (wide ? [...printer.row(i, now), ...printer.wideRow!(i, now)] : printer.row(i, now)))
  return formatTable(headers, rows)
}
