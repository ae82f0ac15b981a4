import type { Command } from 'commander'
import type { ConnectionOptions } from '../client.js'
import { CliError } from '../client.js'
import { connect } from './common/connect.js'
import { itemPath, kindAndNames, namespaceOf } from './common/resource-target.js'
import { parseCount } from './scale.js'

interface LogsFlags {
  follow?: boolean
  tail?: string
  container?: string
  namespace?: string
}

export function registerLogsCommand(program: Command, connection: () => ConnectionOptions): void {
  program
    .command('logs')
    .description("print a pod's container output, from any node")
    .argument('<pod>', 'pod name (or pod/name)')
    .option('-f, --follow', 'keep streaming new output')
    .option('--tail <n>', 'only the last n lines')
    .option('-c, --container <name>', 'container (default: the only one)')
    .option('-n, --namespace <ns>', 'namespace (default: default)')
    .action(async (podArg: string, flags: LogsFlags) => {
      const { def, names } = podArg.includes('/') ? kindAndNames(podArg, []) : kindAndNames('pods', [podArg])
      if (def.plural !== 'pods') throw new CliError(`logs are read from pods, not ${def.plural}`)
      const params = new URLSearchParams()
      if (flags.follow === true) params.set('follow', 'true')
      if (flags.tail !== undefined) params.set('tailLines', String(parseCount(flags.tail, '--tail')))
      if (flags.container !== undefined) params.set('container', flags.container)
      const qs = params.toString()
      const client = await connect(connection)
      for await (const chunk of client.stream(`${itemPath(def, namespaceOf(flags), names[0]!, 'log')}${qs === '' ? '' : `?${qs}`}`)) {
        if (!process.stdout.write(chunk)) await new Promise((resolve) => process.stdout.once('drain', resolve))
      }
    })
}
