import type { Command } from 'commander'
import type { ResourceDef } from '../../node/api/resources/registry.js'
import type { ApiClient, ConnectionOptions } from '../client.js'
import { CliError } from '../client.js'
import type { ApiList, ApiObject } from '../output/api-object.js'
import type { OutputFormat } from '../output/format.js'
import { formatStructured, parseOutput } from '../output/format.js'
import type { TableOptions } from '../output/print-list.js'
import { printList, RowStream, tableOf } from '../output/print-list.js'
import { printerFor } from '../../node/api/tables/printers.js'
import { connect, watchEvents } from './common/connect.js'
import type { NamespaceFlags } from './common/resource-target.js'
import { fieldTerm, itemPath, kindAndNames, listPath, namespaceOf, qualifiedName } from './common/resource-target.js'

interface GetFlags extends NamespaceFlags {
  output?: string
  selector?: string
  fieldSelector?: string
  watch?: boolean
  showLabels?: boolean
}

interface Query {
  def: ResourceDef
  namespace: string | undefined
  name: string | undefined
  labelSelector: string | undefined
  fieldSelector: string | undefined
}

/** The field selector that narrows a list or watch to one name, combined with the user's. */
function fieldSelectorOf(q: Query): string | undefined {
  const byName = q.name !== undefined ? fieldTerm('metadata.name', q.name) : undefined
  return [byName, q.fieldSelector].filter((s) => s !== undefined && s !== '').join(',') || undefined
}

async function fetchList(client: ApiClient, q: Query): Promise<ApiList> {
  if (q.name !== undefined && q.labelSelector === undefined && q.fieldSelector === undefined) {
    const obj = await client.get<ApiObject>(itemPath(q.def, q.namespace, q.name))
    return { kind: `${q.def.kind}List`, apiVersion: obj.apiVersion, metadata: {}, items: [obj] }
  }
  const list = await client.get<ApiList>(listPath(q.def, q.namespace, { labelSelector: q.labelSelector, fieldSelector: fieldSelectorOf(q) }))
  if (q.name !== undefined && list.items.length === 0) throw new CliError(`Error from server (NotFound): ${q.def.plural} "${q.name}" not found`)
  return list
}

function noneFound(q: Query): string {
  return q.namespace === undefined || !q.def.namespaced ? 'No resources found' : `No resources found in ${q.namespace} namespace.`
}

/** `-w`: the initial list as a table, then one row per change; JSON, YAML or names per event otherwise. */
async function watch(client: ApiClient, q: Query, format: OutputFormat, columns: TableOptions): Promise<void> {
  const printer = printerFor(q.def.plural)
  const table = format === 'table' || format === 'wide'
  let resourceVersion: string | undefined
  let rows: RowStream | undefined
  if (table) {
    const list = await fetchList(client, { ...q, name: undefined, fieldSelector: fieldSelectorOf(q) })
    resourceVersion = list.metadata.resourceVersion
    const { headers, rows: initial } = tableOf(list.items, printer, columns)
    rows = new RowStream(headers, initial)
    process.stdout.write([headers, ...initial].map((r) => rows!.line(r)).join('\n') + '\n')
  }
  const path = listPath(q.def, q.namespace, { watch: 'true', labelSelector: q.labelSelector, fieldSelector: fieldSelectorOf(q), resourceVersion })
  for await (const event of watchEvents(client, path)) {
    if (event.type === 'ERROR') throw new CliError(`watch ended: ${JSON.stringify(event.object)}`)
    let out: string
    if (rows !== undefined) out = rows.line(tableOf([event.object], printer, columns).rows[0]!)
    else if (format === 'json') out = JSON.stringify(event)
    else if (format === 'yaml') out = `---\n${formatStructured(event, 'yaml')}`
    else out = qualifiedName(q.def, event.object.metadata.name)
    process.stdout.write(`${out}\n`)
  }
}

export function registerGetCommand(program: Command, connection: () => ConnectionOptions): void {
  program
    .command('get')
    .description('list or show objects: pods (po), deployments (deploy), replicasets (rs), replicationcontrollers (rc), services (svc), namespaces (ns), events (ev), endpoints (ep), nodes (no)')
    .argument('<kind>', 'kind to show, e.g. pods, or kind/name')
    .argument('[name]', 'one object by name')
    .option('-n, --namespace <ns>', 'namespace (default: default)')
    .option('-A, --all-namespaces', 'objects in every namespace')
    .option('-l, --selector <selector>', 'label selector, e.g. app=web,tier in (a,b),!canary')
    .option('--field-selector <selector>', 'field selector, e.g. status.phase=Running,spec.nodeName=n1')
    .option('-o, --output <format>', 'wide, json, yaml or name')
    .option('-w, --watch', 'after listing, stream changes')
    .option('--show-labels', 'add a LABELS column')
    .action(async (kindArg: string, nameArg: string | undefined, flags: GetFlags) => {
      const format = parseOutput(flags.output)
      const { def, names } = kindAndNames(kindArg, nameArg === undefined ? [] : [nameArg])
      const client = await connect(connection)
      const q: Query = { def, namespace: namespaceOf(flags), name: names[0], labelSelector: flags.selector, fieldSelector: flags.fieldSelector }
      const columns: TableOptions = { wide: format === 'wide', withNamespace: q.namespace === undefined && def.namespaced, showLabels: flags.showLabels === true }
      if (flags.watch === true) return watch(client, q, format, columns)
      const list = await fetchList(client, q)
      const text = printList(list, printerFor(def.plural), format, def.singular, q.name !== undefined, columns)
      if (text !== '') process.stdout.write(`${text}\n`)
      else if (format === 'table' || format === 'wide') process.stderr.write(`${noneFound(q)}\n`)
    })
}
