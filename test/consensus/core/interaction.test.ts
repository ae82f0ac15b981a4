// Golden interaction scripts (testdata/*.txt), after etcd-io/raft's datadriven tests. Set
// REWRITE=1 to regenerate the expected outputs, then review the diff before committing it.

import { readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { parseDataDriven, renderDataDriven } from './harness/datadriven.js'
import { InteractionEnv } from './harness/interaction-env.js'

const dir = join(dirname(fileURLToPath(import.meta.url)), 'testdata')
const files = readdirSync(dir).filter((f) => f.endsWith('.txt')).sort()

describe('raft interaction scripts', () => {
  it('has the scripts', () => {
    expect(files.length).toBeGreaterThanOrEqual(6)
  })

  for (const file of files) {
    it(file, () => {
      const path = join(dir, file)
      const text = readFileSync(path, 'utf8')
      const parsed = parseDataDriven(text)
      const env = new InteractionEnv()
      const outputs = parsed.blocks.map((b) => {
        try {
          return env.run(b)
        } catch (err) {
          throw new Error(`${file}:${b.line}: ${b.command}: ${(err as Error).stack ?? String(err)}`)
        }
      })
      const actual = renderDataDriven(parsed, outputs, text)
      if (process.env['REWRITE'] === '1') writeFileSync(path, actual)
      else expect(actual).toBe(text)
    })
  }
})
