import type { Command } from 'commander'
import type { ConnectionOptions } from '../client.js'
import { CliError } from '../client.js'
import type { ApiObject } from '../output/api-object.js'
import { connect } from './common/connect.js'
import { itemPath, kindAndNames, namespaceOf, qualifiedName } from './common/resource-target.js'

interface LabelChanges {
  set: Record<string, string>
  remove: string[]
}

/** `k=v` sets a label, `k-` removes one. */
export function parseLabelChanges(args: readonly string[]): LabelChanges {
  const out: LabelChanges = { set: {}, remove: [] }
  for (const arg of args) {
    const eq = arg.indexOf('=')
    if (eq > 0) out.set[arg.slice(0, eq)] = arg.slice(eq + 1)
    else if (arg.endsWith('-') && arg.length > 1) out.remove.push(arg.slice(0, -1))
    else throw new CliError(`invalid label change "${arg}": use key=value to set a label or key- to remove one`)
  }
  if (Object.keys(out.set).length + out.remove.length === 0) throw new CliError('give at least one label change: key=value or key-')
  return out
}

/** The merge patch for the changes, refusing to overwrite a different value without --overwrite. */
function labelPatch(live: Readonly<Record<string, string>>, changes: LabelChanges, overwrite: boolean): Record<string, string | null> {
  const patch: Record<string, string | null> = {}
  for (const [k, v] of Object.entries(changes.set)) {
    const old = live[k]
    if (old === v) continue
    if (old !== undefined && !overwrite) throw new CliError(`'${k}' already has a value (${old}), and --overwrite is false`)
    patch[k] = v
  }
  for (const k of changes.remove) {
    if (live[k] === undefined) process.stderr.write(`label "${k}" not found.\n`)
    else patch[k] = null
  }
  return patch
}

export function registerLabelCommand(program: Command, connection: () => ConnectionOptions): void {
  program
    .command('label')
    .description('set (key=value) or remove (key-) labels on an object')
    .argument('<kind>', 'kind of the object, or kind/name')
    .argument('<args...>', 'the name (unless given as kind/name), then label changes')
    .option('-n, --namespace <ns>', 'namespace (default: default)')
    .option('--overwrite', 'allow changing the value of a label that is already set')
    .action(async (kindArg: string, args: string[], flags: { namespace?: string; overwrite?: boolean }) => {
      const named = kindArg.includes('/')
      const { def, names } = kindAndNames(kindArg, named ? [] : args.slice(0, 1))
      const name = names[0]
      if (name === undefined) throw new CliError('give the name of the object to label')
      const changes = parseLabelChanges(named ? args : args.slice(1))
      const namespace = namespaceOf(flags)
      const client = await connect(connection)
      const path = itemPath(def, namespace, name)
      const live = await client.get<ApiObject>(path)
      const patch = labelPatch(live.metadata.labels ?? {}, changes, flags.overwrite === true)
      if (Object.keys(patch).length === 0) {
        process.stdout.write(`${qualifiedName(def, name)} not labeled\n`)
        return
      }
      await client.request('PATCH', path, { metadata: { labels: patch } }, 'application/merge-patch+json')
      process.stdout.write(`${qualifiedName(def, name)} labeled\n`)
    })
}
