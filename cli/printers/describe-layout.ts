import { stringify } from 'yaml'
import { formatTable } from '../output/table.js'

/** A describe text being built: `Key:  value` lines aligned per block, nested by indent. */
export class DescribeText {
  private readonly lines: string[] = []

  /** A block of `Key:  value` pairs whose values line up; multi-line values continue under the first. */
  fields(pairs: readonly (readonly [string, string | number | undefined])[], indent = 0): this {
    const shown = pairs.filter(([, v]) => v !== undefined) as [string, string | number][]
    const width = Math.max(0, ...shown.map(([k]) => k.length + 1))
    for (const [key, value] of shown) {
      const [first = '', ...rest] = String(value).split('\n')
      this.lines.push(`${' '.repeat(indent)}${`${key}:`.padEnd(width)}  ${first}`.trimEnd())
      for (const line of rest) this.lines.push(`${' '.repeat(indent + width + 2)}${line}`.trimEnd())
    }
    return this
  }

  heading(text: string, indent = 0): this {
    this.lines.push(`${' '.repeat(indent)}${text}:`)
    return this
  }

  /** An indented table, or `<none>` after the heading when there are no rows. */
  table(heading: string, headers: string[], rows: string[][], indent = 0): this {
    if (rows.length === 0) return this.fields([[heading, '<none>']], indent)
    this.heading(heading, indent)
    const underline = headers.map((h) => '-'.repeat(h.length))
    for (const line of formatTable(headers, [underline, ...rows]).split('\n')) this.lines.push(`${' '.repeat(indent + 2)}${line}`)
    return this
  }

  /** A value as indented YAML under a heading (spec and status of kinds without a layout of their own). */
  yaml(heading: string, value: unknown, indent = 0): this {
    if (value === undefined || value === null) return this
    this.heading(heading, indent)
    for (const line of stringify(value).trimEnd().split('\n')) this.lines.push(`${' '.repeat(indent + 2)}${line}`)
    return this
  }

  toString(): string {
    return this.lines.join('\n')
  }
}

/** `k=v` one per line, or `<none>`. */
export function mapLines(map: Readonly<Record<string, string>> | undefined): string {
  const entries = Object.entries(map ?? {})
  return entries.length === 0 ? '<none>' : entries.map(([k, v]) => `${k}=${v}`).join('\n')
}
