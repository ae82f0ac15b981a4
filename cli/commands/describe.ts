import type { Command } from 'commander'
import type { ConnectionOptions } from '../client.js'
import { CliError } from '../client.js'
import type { ApiList, ApiObject } from '../output/api-object.js'
import { describeObject } from '../printers/describe.js'
import { connect } from './common/connect.js'
import { fieldTerm, itemPath, kindAndNames, listPath, namespaceOf, resolveKind } from './common/resource-target.js'

export function registerDescribeCommand(program: Command, connection: () => ConnectionOptions): void {
  program
    .command('describe')
    .description('show one object in detail, with its events')
    .argument('<kind>', 'kind of the object, or kind/name')
    .argument('[name]', 'name of the object')
    .option('-n, --namespace <ns>', 'namespace (default: default)')
    .action(async (kindArg: string, nameArg: string | undefined, flags: { namespace?: string }) => {
      const { def, names } = kindAndNames(kindArg, nameArg === undefined ? [] : [nameArg])
      const name = names[0]
      if (name === undefined) throw new CliError(`give the name of the ${def.singular} to describe`)
      const namespace = def.namespaced ? namespaceOf(flags) : undefined
      const client = await connect(connection)
      const obj = await client.get<ApiObject>(itemPath(def, namespace, name))
      const involved = `${fieldTerm('involvedObject.kind', def.kind)},${fieldTerm('involvedObject.name', name)}`
      const events = await client.get<ApiList>(listPath(resolveKind('events'), namespace, { fieldSelector: involved }))
      // A service is described with its endpoints: which pods take its traffic, and which are not ready.
      const endpoints = def.plural === 'services' ? await client.get<ApiObject>(itemPath(resolveKind('endpoints'), namespace, name)).catch(() => undefined) : undefined
      // A deployment is described with its ReplicaSets: which one is new, which old ones still run.
      const owned = (list: ApiList): ApiObject[] => list.items.filter((rs) => rs.metadata.ownerReferences?.some((o) => o.controller === true && o.uid === obj.metadata.uid))
      const replicaSets = def.plural === 'deployments' ? owned(await client.get<ApiList>(listPath(resolveKind('replicasets'), namespace))) : undefined
      const related = { ...(endpoints !== undefined ? { endpoints } : {}), ...(replicaSets !== undefined ? { replicaSets } : {}) }
      process.stdout.write(`${describeObject(def.plural, obj, events.items, Date.now(), related)}\n`)
    })
}
