import type { Command } from 'commander'
import type { ConnectionOptions } from '../client.js'
import { CliError } from '../client.js'
import { connect } from './common/connect.js'
import { itemPath, kindAndNames, namespaceOf, qualifiedName } from './common/resource-target.js'

/** A replica count: a whole number from 0. */
export function parseCount(text: string, flag: string): number {
  if (!/^\d+$/.test(text)) throw new CliError(`${flag}: expected a whole number, got "${text}"`, 2)
  return Number(text)
}

export function registerScaleCommand(program: Command, connection: () => ConnectionOptions): void {
  program
    .command('scale')
    .description('set the number of replicas of a deployment, replica set or replication controller')
    .argument('<kind>', 'deploy, rs or rc, or kind/name')
    .argument('[name]', 'name of the object to scale')
    .requiredOption('--replicas <n>', 'the new number of replicas')
    .option('-n, --namespace <ns>', 'namespace (default: default)')
    .action(async (kindArg: string, nameArg: string | undefined, flags: { replicas: string; namespace?: string }) => {
      const replicas = parseCount(flags.replicas, '--replicas')
      const { def, names } = kindAndNames(kindArg, nameArg === undefined ? [] : [nameArg])
      const name = names[0]
      if (name === undefined) throw new CliError(`give the name of the ${def.singular} to scale`)
      if (!(def.subresources ?? []).includes('scale')) throw new CliError(`${def.plural} cannot be scaled`)
      const client = await connect(connection)
      await client.request('PATCH', itemPath(def, namespaceOf(flags), name, 'scale'), { spec: { replicas } }, 'application/merge-patch+json')
      process.stdout.write(`${qualifiedName(def, name)} scaled\n`)
    })
}
