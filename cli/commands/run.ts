import type { Command } from 'commander'
import { parseLabels } from '../../node/config/agent-config.js'
import type { ConnectionOptions } from '../client.js'
import { CliError } from '../client.js'
import type { ApiObject } from '../output/api-object.js'
import { formatStructured } from '../output/format.js'
import { connect } from './common/connect.js'
import { collectionPath, namespaceOf, qualifiedName, resolveKind } from './common/resource-target.js'
import { parseCount } from './scale.js'

export interface RunOptions {
  name: string
  namespace: string
  image?: string
  /** A shell command line, run with `sh -c` so that `$PORT` expands. */
  command?: string
  replicas: number
  port?: number
  labels: Record<string, string>
  env: Record<string, string>
}

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/

/**
 * The replication controller `shoal run` creates: pods labelled `run=NAME` with one container,
 * run by Docker when an image is given and as a local process otherwise.
 */
export function runManifest(o: RunOptions): ApiObject {
  const labels = { ...o.labels, run: o.name }
  const container = {
    name: DNS_LABEL.test(o.name) ? o.name : 'main',
    ...(o.image !== undefined ? { image: o.image } : {}),
    ...(o.command !== undefined ? { command: ['sh', '-c', o.command] } : {}),
    ...(o.port !== undefined ? { ports: [{ name: 'http', containerPort: o.port }] } : {}),
    ...(Object.keys(o.env).length > 0 ? { env: Object.entries(o.env).map(([name, value]) => ({ name, value })) } : {}),
  }
  return {
    apiVersion: 'v1',
    kind: 'ReplicationController',
    metadata: { name: o.name, namespace: o.namespace, labels },
    spec: {
      replicas: o.replicas,
      selector: { run: o.name },
      template: {
        metadata: { labels },
        spec: { runtimeClassName: o.image !== undefined ? 'docker' : 'process', containers: [container] },
      },
    },
  }
}

interface RunFlags {
  image?: string
  command?: string
  replicas: string
  port?: string
  labels?: string
  env: string[]
  namespace?: string
  dryRun?: boolean
}

function parseEnv(pairs: readonly string[]): Record<string, string> {
  const env: Record<string, string> = {}
  for (const pair of pairs) {
    const eq = pair.indexOf('=')
    if (eq <= 0) throw new CliError(`--env: expected NAME=VALUE, got "${pair}"`, 2)
    env[pair.slice(0, eq)] = pair.slice(eq + 1)
  }
  return env
}

export function registerRunCommand(program: Command, connection: () => ConnectionOptions): void {
  program
    .command('run')
    .description('run a command or an image as a replication controller of pods labelled run=NAME')
    .argument('<name>', 'name of the replication controller')
    .option('--image <image>', 'container image (Docker runtime)')
    .option('--command <cmd>', 'command line, run with sh -c (process runtime unless --image is given); $PORT is the allocated port')
    .option('--replicas <n>', 'number of pods', '1')
    .option('--port <port>', 'container port; the scheduler gives it a host port, seen as $PORT')
    .option('--labels <k=v,...>', 'extra labels for the controller and its pods')
    .option('--env <NAME=VALUE>', 'environment variable (repeatable)', (v: string, acc: string[]) => [...acc, v], [] as string[])
    .option('-n, --namespace <ns>', 'namespace (default: default)')
    .option('--dry-run', 'print the replication controller instead of creating it')
    .action(async (name: string, flags: RunFlags) => {
      if (flags.image === undefined && flags.command === undefined) throw new CliError('give --image IMAGE or --command "CMD ..."', 2)
      const manifest = runManifest({
        name,
        namespace: namespaceOf(flags)!,
        ...(flags.image !== undefined ? { image: flags.image } : {}),
        ...(flags.command !== undefined ? { command: flags.command } : {}),
        replicas: parseCount(flags.replicas, '--replicas'),
        ...(flags.port !== undefined ? { port: parseCount(flags.port, '--port') } : {}),
        labels: flags.labels !== undefined ? parseLabels(flags.labels) : {},
        env: parseEnv(flags.env),
      })
      if (flags.dryRun === true) {
        process.stdout.write(`${formatStructured(manifest, 'yaml')}\n`)
        return
      }
      const def = resolveKind('replicationcontrollers')
      const client = await connect(connection)
      await client.request('POST', collectionPath(def, manifest.metadata.namespace), manifest)
      process.stdout.write(`${qualifiedName(def, name)} created\n`)
    })
}
