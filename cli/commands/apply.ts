import type { Command } from 'commander'
import type { ApiClient, ConnectionOptions } from '../client.js'
import { CliError } from '../client.js'
import { loadManifests } from '../manifests/load-manifests.js'
import type { Manifest } from '../manifests/parse-manifests.js'
import { connect, reportFailure } from './common/connect.js'
import { findObject } from './common/lookup.js'
import { alreadyApplied, desiredState } from './common/manifest-diff.js'
import { placeManifest } from './common/place-manifest.js'
import { collectionPath, itemPath, qualifiedName } from './common/resource-target.js'

/** A write that lost a race (created or changed by someone else meanwhile) is retried on a fresh read. */
const ATTEMPTS = 3

type Outcome = 'created' | 'configured' | 'unchanged'

async function applyOne(client: ApiClient, manifest: Manifest, namespaceFlag: string | undefined): Promise<string> {
  const placed = placeManifest(manifest, namespaceFlag)
  const { def, namespace, name } = placed
  const body = desiredState(placed.body)
  if (def.readOnly === true) throw new CliError(`${manifest.source}: ${def.plural} are computed by shoal and cannot be applied`)
  for (let attempt = 1; ; attempt++) {
    const live = await findObject(client, def, namespace, name)
    let outcome: Outcome
    try {
      if (live === undefined) {
        await client.request('POST', collectionPath(def, namespace), body)
        outcome = 'created'
      } else if (alreadyApplied(body, live)) {
        outcome = 'unchanged'
      } else {
        await client.request('PUT', itemPath(def, namespace, name), { ...body, metadata: { ...body.metadata, resourceVersion: live.metadata.resourceVersion } })
        outcome = 'configured'
      }
      return `${qualifiedName(def, name)} ${outcome}`
    } catch (err) {
      const now = await findObject(client, def, namespace, name).catch(() => live)
      const raced = now?.metadata.resourceVersion !== live?.metadata.resourceVersion
      if (!raced || attempt >= ATTEMPTS) throw err
    }
  }
}

export function registerApplyCommand(program: Command, connection: () => ConnectionOptions): void {
  program
    .command('apply')
    .description('create or update objects from YAML or JSON manifests (multi-document files, List objects, directories)')
    .requiredOption('-f, --filename <path...>', 'a file, a directory of *.yaml/*.yml/*.json, or - for stdin')
    .option('-n, --namespace <ns>', 'namespace for objects that do not name one')
    .action(async (flags: { filename: string[]; namespace?: string }) => {
      const sources = await loadManifests(flags.filename)
      const client = await connect(connection)
      for (const source of sources) {
        if (source.error !== undefined) reportFailure(source.error)
        for (const manifest of source.manifests ?? []) {
          try {
            process.stdout.write(`${await applyOne(client, manifest, flags.namespace)}\n`)
          } catch (err) {
            reportFailure(err)
          }
        }
      }
    })
}
