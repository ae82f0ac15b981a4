import type { Printer } from '../../node/api/tables/printer.js'
import type { OutputFormat } from './format.js'
import { formatStructured } from './format.js'
import { labelString } from '../../node/api/tables/cells.js'
import { columnWidths, formatRow, formatTable } from './table.js'

interface Named {
  metadata: { name: string; namespace?: string; labels?: Record<string, string> }
}

export interface TableOptions {
  /** `-o wide`: the printer's extra columns too. */
  wide?: boolean
  /** `-A`: a leading NAMESPACE column. */
  withNamespace?: boolean
  /** `--show-labels`: a trailing LABELS column. */
  showLabels?: boolean
}

/** A printer's headers and rows for some objects, with the columns the options ask for. */
export function tableOf<T extends Named>(items: readonly T[], printer: Printer<T>, options: TableOptions = {}, now = Date.now()): { headers: string[]; rows: string[][] } {
  const wide = options.wide === true && printer.wideHeaders !== undefined && printer.wideRow !== undefined
  const ns = options.withNamespace === true
  const labels = options.showLabels === true
  const headers = [...(ns ? ['NAMESPACE'] : []), ...printer.headers, ...(wide ? printer.wideHeaders! : []), ...(labels ? ['LABELS'] : [])]
  const rows = items.map((i) => [
    ...(ns ? [i.metadata.namespace ?? ''] : []),
    ...printer.row(i, now),
    ...(wide ? printer.wideRow!(i, now) : []),
    ...(labels ? [labelString(i.metadata.labels)] : []),
  ])
  return { headers, rows }
}

/** Print a list (or one object) in the format the user asked for; '' when there is nothing to print. */
export function printList<T extends Named>(
  list: { items: T[] },
  printer: Printer<T>,
  format: OutputFormat,
  resource: string,
  single = false,
  options: Omit<TableOptions, 'wide'> = {},
): string {
  if (format === 'json' || format === 'yaml') return formatStructured(single ? list.items[0] : list, format)
  if (format === 'name') return list.items.map((i) => `${resource}/${i.metadata.name}`).join('\n')
  if (list.items.length === 0) return ''
  const { headers, rows } = tableOf(list.items, printer, { ...options, wide: format === 'wide' })
  return formatTable(headers, rows)
}

/**
 * Rows printed one at a time (`get -w`): columns keep the widths of the first table, widening
 * only when a later row needs more room.
 */
export class RowStream {
  private widths: number[]

  constructor(headers: readonly string[], rows: readonly (readonly string[])[]) {
    this.widths = columnWidths(headers, rows)
  }

  line(cells: readonly string[]): string {
    this.widths = this.widths.map((w, i) => Math.max(w, (cells[i] ?? '').length))
    return formatRow(cells, this.widths)
  }
}
