import { describe, expect, it } from 'vitest'
import type { CliResult } from '../cli/run-cli.js'
import { runShoal } from '../cli/run-cli.js'
import { SHOAL_VERSION } from '../../node/objects/node-object.js'

/** The built CLI with no server at all: usage errors are found before any connection. */
function shoal(...argv: string[]): Promise<CliResult> {
  return runShoal(argv, { env: { SHOAL_SERVER: 'http://127.0.0.1:9' } })
}

describe('command-line usage errors (as kubectl answers them)', () => {
  it.each([
    [['get', '--no-such-flag'], /^error: unknown option '--no-such-flag'\nSee 'shoal get --help' for usage\.\n$/],
    [['get'], /^error: missing required argument 'kind'\nSee 'shoal get --help' for usage\.\n$/],
    [['label', 'pods'], /^error: .*\nSee 'shoal label --help' for usage\.\n$/],
    [['frobnicate'], /^error: unknown command 'frobnicate'\nSee 'shoal --help' for usage\.\n$/],
  ])('shoal %j: one line, a pointer to help, exit 2', async (argv, stderr) => {
    const r = await shoal(...argv)
    expect(r.stderr).toMatch(stderr)
    expect(r.code).toBe(2)
    expect(r.stdout).toBe('')
  })

  it('help and --version still succeed', async () => {
    const [help, version] = await Promise.all([shoal('get', '--help'), shoal('--version')])
    expect(help.code).toBe(0)
    expect(help.stdout).toContain('Usage: shoal get')
    expect(version).toMatchObject({ code: 0, stdout: `${SHOAL_VERSION}\n` })
  })
})
