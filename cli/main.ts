#!/usr/bin/env node
import { CommanderError } from 'commander'
import { CliError } from './client.js'
import { buildProgram } from './program.js'

async function main(): Promise<void> {
  try {
    await buildProgram().parseAsync(process.argv)
  } catch (err) {
    if (err instanceof CommanderError) process.exit(err.exitCode)
    const code = err instanceof CliError ? err.exitCode : 1
    const message = err instanceof Error ? err.message : String(err)
    process.stderr.write(`shoal: ${message}\n`)
    process.exit(code)
  }
}

await main()
