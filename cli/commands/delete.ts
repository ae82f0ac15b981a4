import type { Command } from 'commander'
import type { ResourceDef } from '../../node/api/resources/registry.js'
import type { ApiClient, ConnectionOptions } from '../client.js'
import { CliError } from '../client.js'
import { loadManifests } from '../manifests/load-manifests.js'
import type { ApiList } from '../output/api-object.js'
import { connect, reportFailure } from './common/connect.js'
import { findObject } from './common/lookup.js'
import { placeManifest } from './common/place-manifest.js'
import type { NamespaceFlags } from './common/resource-target.js'
import { itemPath, kindAndNames, listPath, namespaceOf } from './common/resource-target.js'

interface DeleteFlags extends NamespaceFlags {
  selector?: string
  filename?: string[]
  ignoreNotFound?: boolean
}

interface Target {
  def: ResourceDef
  namespace: string | undefined
  name: string
}

async function deleteOne(client: ApiClient, t: Target, ignoreNotFound: boolean): Promise<void> {
  try {
    await client.request('DELETE', itemPath(t.def, t.namespace, t.name))
    process.stdout.write(`${t.def.singular} "${t.name}" deleted\n`)
  } catch (err) {
    if (ignoreNotFound && (await findObject(client, t.def, t.namespace, t.name).catch(() => true)) === undefined) return
    throw err
  }
}

/** What to delete: the objects in -f manifests (last first, so a namespace goes after its contents), -l matches, or names. */
async function targets(client: ApiClient, kindArg: string | undefined, nameArgs: string[], flags: DeleteFlags): Promise<Target[]> {
  if (flags.filename !== undefined) {
    if (kindArg !== undefined) throw new CliError('give either -f or a kind and names, not both')
    const out: Target[] = []
    for (const source of await loadManifests(flags.filename)) {
      if (source.error !== undefined) reportFailure(source.error)
      for (const m of source.manifests ?? []) {
        try {
          const { def, namespace, name } = placeManifest(m, flags.namespace)
          out.push({ def, namespace, name })
        } catch (err) {
          reportFailure(err)
        }
      }
    }
    return out.reverse()
  }
  if (kindArg === undefined) throw new CliError('give a kind and names, a kind and -l SELECTOR, or -f FILE')
  const { def, names } = kindAndNames(kindArg, nameArgs)
  const namespace = namespaceOf(flags)
  if (flags.selector !== undefined) {
    if (names.length > 0) throw new CliError('give either names or -l, not both')
    const list = await client.get<ApiList>(listPath(def, namespace, { labelSelector: flags.selector }))
    return list.items.map((o) => ({ def, namespace: o.metadata.namespace, name: o.metadata.name }))
  }
  if (names.length === 0) throw new CliError(`name which ${def.plural} to delete, or select them with -l`)
  if (namespace === undefined && def.namespaced) throw new CliError('-A goes with -l, not with names')
  return names.map((name) => ({ def, namespace, name }))
}

export function registerDeleteCommand(program: Command, connection: () => ConnectionOptions): void {
  program
    .command('delete')
    .description('delete objects by name, by label selector, or as listed in manifests')
    .argument('[kind]', 'kind of the objects (or kind/name)')
    .argument('[names...]', 'names of the objects')
    .option('-n, --namespace <ns>', 'namespace (default: default)')
    .option('-A, --all-namespaces', 'with -l: match in every namespace')
    .option('-l, --selector <selector>', 'delete every object the label selector matches')
    .option('-f, --filename <path...>', 'delete the objects in these manifests')
    .option('--ignore-not-found', 'treat objects that do not exist as deleted')
    .action(async (kindArg: string | undefined, nameArgs: string[], flags: DeleteFlags) => {
      const client = await connect(connection)
      const list = await targets(client, kindArg, nameArgs, flags)
      if (list.length === 0 && flags.selector !== undefined) process.stderr.write('No resources found\n')
      for (const t of list) {
        try {
          await deleteOne(client, t, flags.ignoreNotFound === true)
        } catch (err) {
          reportFailure(err)
        }
      }
    })
}
