import { SelectorParseError } from '../errors.js'

/** Fields every kind can be selected on; a missing field reads as "" (so `spec.nodeName=` finds unscheduled pods). */
export const DEFAULT_SELECTABLE_FIELDS: readonly string[] = [
  'metadata.name',
  'metadata.namespace',
  'spec.nodeName',
  'status.phase',
  'involvedObject.kind',
  'involvedObject.name',
  'involvedObject.namespace',
  'involvedObject.uid',
  'reason',
  'type',
]

export interface FieldTerm {
  field: string
  operator: '=' | '!='
  value: string
}

function fieldValue(obj: unknown, path: string): string {
  let at: unknown = obj
  for (const part of path.split('.')) {
    if (typeof at !== 'object' || at === null || !Object.hasOwn(at, part)) return ''
    at = (at as Record<string, unknown>)[part]
  }
  return typeof at === 'string' || typeof at === 'number' || typeof at === 'boolean' ? String(at) : ''
}

export class FieldSelector {
  constructor(readonly terms: readonly FieldTerm[]) {}

  matches(obj: unknown): boolean {
    return this.terms.every((t) => (fieldValue(obj, t.field) === t.value) === (t.operator === '='))
  }

  isEverything(): boolean {
    return this.terms.length === 0
  }

  toString(): string {
    return this.terms.map((t) => `${t.field}${t.operator}${t.value.replace(/[\\,=]/g, (c) => `\\${c}`)}`).join(',')
  }
}

/** Split on commas that are not escaped; returns each piece with its offset. */
function splitTerms(input: string): { text: string; pos: number }[] {
  const out: { text: string; pos: number }[] = []
  let start = 0
  for (let i = 0; i < input.length; i++) {
    if (input[i] === '\\') i++
    else if (input[i] === ',') {
      out.push({ text: input.slice(start, i), pos: start })
      start = i + 1
    }
  }
  out.push({ text: input.slice(start), pos: start })
  return out
}

function unescape(value: string, input: string, pos: number): string {
  let out = ''
  for (let i = 0; i < value.length; i++) {
    const c = value[i]!
    if (c !== '\\') {
      out += c
      continue
    }
    const next = value[++i]
    if (next !== '\\' && next !== ',' && next !== '=') {
      throw new SelectorParseError(`invalid escape sequence "\\${next ?? ''}" (only \\\\, \\, and \\= are allowed)`, input, pos + i - 1)
    }
    out += next
  }
  return out
}

/**
 * Parse a field selector: comma-separated `field=value`, `field==value` or `field!=value`, with
 * `\,`, `\=` and `\\` escapes in values. Unsupported fields are an error, as in Kubernetes.
 */
export function parseFieldSelector(input: string, fields: readonly string[] = DEFAULT_SELECTABLE_FIELDS): FieldSelector {
  if (input.trim() === '') return new FieldSelector([])
  return new FieldSelector(
    splitTerms(input).map(({ text, pos }) => {
      const op = /!=|==|=/.exec(text)
      if (op === null) throw new SelectorParseError(`"${text.trim()}" is not a term: expected field=value, field==value or field!=value`, input, pos)
      const field = text.slice(0, op.index).trim()
      const fieldPos = pos + text.length - text.trimStart().length
      if (field === '') throw new SelectorParseError('a term has no field name', input, fieldPos)
      if (!fields.includes(field)) {
        throw new SelectorParseError(`field "${field}" is not supported; supported fields: ${fields.join(', ')}`, input, fieldPos)
      }
      const valuePos = pos + op.index + op[0].length
      const value = unescape(text.slice(op.index + op[0].length).trim(), input, valuePos)
      return { field, operator: op[0] === '!=' ? '!=' : '=', value }
    }),
  )
}
