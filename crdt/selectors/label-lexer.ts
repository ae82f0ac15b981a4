/** Tokens of the label selector language, after apimachinery's labels lexer. */
export type TokenType =
  | 'identifier'
  | 'in'
  | 'notin'
  | '!'
  | '='
  | '=='
  | '!='
  | '>'
  | '<'
  | '('
  | ')'
  | ','
  | 'end'

export interface Token {
  type: TokenType
  text: string
  /** Offset of the token's first character in the input. */
  pos: number
}

const SYMBOLS: readonly TokenType[] = ['!=', '==', '!', '=', '>', '<', '(', ')', ',']
const SPECIAL = new Set(['!', '=', '>', '<', '(', ')', ','])
const isSpace = (c: string): boolean => c === ' ' || c === '\t' || c === '\n' || c === '\r'

/** Split a selector into tokens; identifiers run until whitespace or a special character. */
export function tokenize(input: string): Token[] {
  const tokens: Token[] = []
  let i = 0
  while (i < input.length) {
    const c = input[i]!
    if (isSpace(c)) {
      i++
      continue
    }
    if (SPECIAL.has(c)) {
      const type = SYMBOLS.find((s) => input.startsWith(s, i))!
      tokens.push({ type, text: type, pos: i })
      i += type.length
      continue
    }
    const start = i
    while (i < input.length && !isSpace(input[i]!) && !SPECIAL.has(input[i]!)) i++
    const text = input.slice(start, i)
    tokens.push({ type: text === 'in' || text === 'notin' ? text : 'identifier', text, pos: start })
  }
  tokens.push({ type: 'end', text: '', pos: input.length })
  return tokens
}
