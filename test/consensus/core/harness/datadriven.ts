// A small reader/writer for data-driven test files after cockroachdb/datadriven, as used by
// etcd-io/raft's testdata:
//
//   # comments and blank lines between blocks
//   command arg key=value key=(a,b)
//   optional input lines
//   ----
//   expected output (no blank lines; ends at a blank line or the end of the file)

export interface CommandArg {
  key: string
  /** Values: `key=v` gives [v], `key=(a,b)` gives [a, b], a bare word gives []. */
  vals: string[]
}

export interface TestBlock {
  /** Comment and blank lines before the command, kept for rewriting. */
  preamble: string[]
  /** 1-based line of the command, for error messages. */
  line: number
  command: string
  args: CommandArg[]
  input: string[]
  expected: string[]
}

export interface ParsedFile {
  blocks: TestBlock[]
  trailer: string[]
}

export function parseDataDriven(text: string): ParsedFile {
  const lines = text.split('\n')
  if (lines.length > 0 && lines[lines.length - 1] === '') lines.pop()
  const blocks: TestBlock[] = []
  let preamble: string[] = []
  let i = 0
  while (i < lines.length) {
    const line = lines[i]!
    if (line.trim() === '' || line.startsWith('#')) {
      preamble.push(line)
      i++
      continue
    }
    const start = i + 1
    const [command, args] = parseCommandLine(line)
    i++
    const input: string[] = []
    while (i < lines.length && lines[i] !== '----') input.push(lines[i++]!)
    if (i >= lines.length) throw new Error(`line ${start}: command without ---- separator`)
    i++
    const expected: string[] = []
    while (i < lines.length && lines[i]!.trim() !== '') expected.push(lines[i++]!)
    blocks.push({ preamble, line: start, command, args, input, expected })
    preamble = []
  }
  return { blocks, trailer: preamble }
}

function parseCommandLine(line: string): [string, CommandArg[]] {
  const tokens: string[] = []
  let cur = ''
  let depth = 0
  for (const ch of line.trim()) {
    if (ch === '(') depth++
    if (ch === ')') depth--
    if (/\s/.test(ch) && depth === 0) {
      if (cur !== '') tokens.push(cur)
      cur = ''
    } else {
      cur += ch
    }
  }
  if (cur !== '') tokens.push(cur)
  const [command, ...rest] = tokens
  const args = rest.map((tok): CommandArg => {
    const eq = tok.indexOf('=')
    if (eq < 0) return { key: tok, vals: [] }
    const key = tok.slice(0, eq)
    let v = tok.slice(eq + 1)
    if (v.startsWith('(') && v.endsWith(')')) {
      v = v.slice(1, -1)
      return { key, vals: v === '' ? [] : v.split(',').map((s) => s.trim()) }
    }
    return { key, vals: [v] }
  })
  return [command!, args]
}

function formatCommand(b: TestBlock): string {
  const args = b.args.map((a) => {
    if (a.vals.length === 0) return a.key
    if (a.vals.length === 1 && !a.vals[0]!.includes(',')) return `${a.key}=${a.vals[0]}`
    return `${a.key}=(${a.vals.join(',')})`
  })
  return [b.command, ...args].join(' ')
}

/** Render blocks with the given outputs in place of their expected text. */
export function renderDataDriven(file: ParsedFile, outputs: string[][], original: string): string {
  // Keep each command line as written (argument spelling), only outputs change.
  const originalLines = original.split('\n')
  const out: string[] = []
  file.blocks.forEach((b, i) => {
    out.push(...b.preamble)
    out.push(originalLines[b.line - 1] ?? formatCommand(b))
    out.push(...b.input)
    out.push('----')
    out.push(...outputs[i]!)
  })
  out.push(...file.trailer)
  return out.join('\n') + '\n'
}
