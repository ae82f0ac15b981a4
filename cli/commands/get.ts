import type { Command } from 'commander'
import type { NodeObject } from '../../node/objects/node-object.js'
import type { ConnectionOptions } from '../client.js'
import { ApiClient, CliError, resolveConnection } from '../client.js'
import { parseOutput } from '../output/format.js'
import { printList } from '../output/print-list.js'
import { nodePrinter } from '../printers/node-printer.js'

interface GetFlags {
  output?: string
}

const NODE_ALIASES = new Set(['nodes', 'node', 'no'])

export function registerGetCommand(program: Command, connection: () => ConnectionOptions): void {
  program
    .command('get')
    .description('list or show objects (nodes)')
    .argument('<kind>', 'kind to show, e.g. nodes')
    .argument('[name]', 'one object by name')
    .option('-o, --output <format>', 'wide, json, yaml or name')
    .action(async (kind: string, name: string | undefined, flags: GetFlags) => {
      const format = parseOutput(flags.output)
      if (!NODE_ALIASES.has(kind)) throw new CliError(`unknown kind "${kind}"`)
      const client = new ApiClient(await resolveConnection(connection()))
      const list =
        name === undefined
          ? await client.get<{ items: NodeObject[] }>('/api/v1/nodes')
          : { items: [await client.get<NodeObject>(`/api/v1/nodes/${encodeURIComponent(name)}`)] }
      process.stdout.write(printList(list, nodePrinter, format, 'node', name !== undefined) + '\n')
    })
}
