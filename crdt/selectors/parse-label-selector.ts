import { SelectorParseError } from '../errors.js'
import type { Token, TokenType } from './label-lexer.js'
import { tokenize } from './label-lexer.js'
import type { Operator, Requirement } from './label-selector.js'
import { LabelSelector } from './label-selector.js'
import { labelKeyError, labelValueError } from './label-syntax.js'

const OPERATORS: Partial<Record<TokenType, Operator>> = {
  in: 'In',
  notin: 'NotIn',
  '=': 'In',
  '==': 'In',
  '!=': 'NotIn',
  '>': 'Gt',
  '<': 'Lt',
}

const describe = (t: Token): string => (t.type === 'end' ? 'end of string' : `'${t.text}'`)

/** A recursive-descent parser over the token list, after apimachinery's labels.Parse. */
class Parser {
  private at = 0
  private readonly tokens: Token[]

  constructor(private readonly input: string) {
    this.tokens = tokenize(input)
  }

  parse(): LabelSelector {
    const requirements: Requirement[] = []
    if (this.peek().type === 'end') return LabelSelector.everything()
    for (;;) {
      requirements.push(this.requirement())
      const next = this.next()
      if (next.type === 'end') return LabelSelector.of(requirements)
      if (next.type !== ',') this.fail(`found ${describe(next)}, expected ',' or end of string`, next)
    }
  }

  private requirement(): Requirement {
    const first = this.next()
    if (first.type === '!') {
      const key = this.key(this.next())
      const after = this.peek()
      if (after.type !== ',' && after.type !== 'end') this.fail(`found ${describe(after)}, expected ',' or end of string after !${key}`, after)
      return { key, operator: 'DoesNotExist', values: [] }
    }
    const key = this.key(first)
    const opToken = this.peek()
    if (opToken.type === ',' || opToken.type === 'end') return { key, operator: 'Exists', values: [] }
    const operator = OPERATORS[opToken.type]
    if (operator === undefined) this.fail(`found ${describe(opToken)}, expected one of: in, notin, =, ==, !=, >, <`, opToken)
    this.next()
    if (opToken.type === 'in' || opToken.type === 'notin') return { key, operator, values: this.valueSet(opToken) }
    const value = this.exactValue()
    if ((operator === 'Gt' || operator === 'Lt') && !/^-?\d+$/.test(value.text)) {
      this.fail(`operator ${opToken.text} needs an integer value, found ${describe(value)}`, value)
    }
    return { key, operator, values: [value.text] }
  }

  private key(token: Token): string {
    if (token.type !== 'identifier') this.fail(`found ${describe(token)}, expected a label key`, token)
    const err = labelKeyError(token.text)
    if (err !== undefined) this.fail(err, token)
    return token.text
  }

  /** The value after =, ==, != (empty when a comma or the end follows), or after > and <. */
  private exactValue(): Token {
    const t = this.peek()
    if (t.type === ',' || t.type === 'end') return { type: 'identifier', text: '', pos: t.pos }
    this.next()
    return this.value(t)
  }

  private value(t: Token): Token {
    // Keywords are ordinary values in value position (`tier=in` is a valid requirement).
    if (t.type !== 'identifier' && t.type !== 'in' && t.type !== 'notin') this.fail(`found ${describe(t)}, expected a label value`, t)
    const err = labelValueError(t.text)
    if (err !== undefined) this.fail(err, t)
    return t
  }

  private valueSet(op: Token): string[] {
    const open = this.next()
    if (open.type !== '(') this.fail(`found ${describe(open)}, expected '(' after ${op.text}`, open)
    const values: string[] = []
    if (this.peek().type === ')') this.fail(`the value set of '${op.text}' must not be empty`, this.peek())
    for (;;) {
      values.push(this.value(this.next()).text)
      const sep = this.next()
      if (sep.type === ')') return [...new Set(values)].sort()
      if (sep.type !== ',') this.fail(`found ${describe(sep)}, expected ',' or ')' in the value set`, sep)
    }
  }

  private peek(): Token {
    return this.tokens[this.at]!
  }

  private next(): Token {
    const t = this.tokens[this.at]!
    if (t.type !== 'end') this.at++
    return t
  }

  private fail(reason: string, at: Token): never {
    throw new SelectorParseError(reason, this.input, at.pos)
  }
}

/**
 * Parse the Kubernetes label selector language: `a=b`, `a==b`, `a!=b`, `a in (x,y)`,
 * `a notin (x,y)`, `a` (exists), `!a` (does not exist), `a>1`, `a<1`; commas mean AND and
 * whitespace around tokens is ignored. Throws SelectorParseError with the offending position.
 */
export function parseLabelSelector(input: string): LabelSelector {
  return new Parser(input).parse()
}
