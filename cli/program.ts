import { Command, CommanderError } from 'commander'
import { SHOAL_VERSION } from '../node/objects/node-object.js'
import type { ConnectionOptions } from './client.js'
import { registerAgentCommand } from './commands/agent.js'
import { registerKeygenCommand } from './commands/keygen.js'
import { registerKubeconfigCommand } from './commands/kubeconfig.js'
import { registerClusterCommand } from './commands/cluster.js'
import { registerApplyCommand } from './commands/apply.js'
import { registerDeleteCommand } from './commands/delete.js'
import { registerDescribeCommand } from './commands/describe.js'
import { registerGetCommand } from './commands/get.js'
import { registerLabelCommand } from './commands/label.js'
import { registerLogsCommand } from './commands/logs.js'
import { registerRunCommand } from './commands/run.js'
import { registerScaleCommand } from './commands/scale.js'

interface GlobalFlags {
  server?: string
  token?: string
}

export function buildProgram(): Command {
  const program = new Command('shoal')
    .description('shoal: a peer-to-peer cluster agent; every machine runs the same agent and together they run containers')
    .version(SHOAL_VERSION)
    .option('--server <url>', 'API server URL (or SHOAL_SERVER; default: agent.json in the data dir)')
    .option('--token <token>', 'API bearer token (or SHOAL_TOKEN; default: admin.token in the data dir)')
    .exitOverride(usageExit)
  const connection = (): ConnectionOptions => {
    const g = program.opts<GlobalFlags>()
    return {
      ...(g.server !== undefined ? { server: g.server } : {}),
      ...(g.token !== undefined ? { token: g.token } : {}),
    }
  }
  registerAgentCommand(program)
  registerKeygenCommand(program)
  registerGetCommand(program, connection)
  registerDescribeCommand(program, connection)
  registerApplyCommand(program, connection)
  registerDeleteCommand(program, connection)
  registerLabelCommand(program, connection)
  registerScaleCommand(program, connection)
  registerRunCommand(program, connection)
  registerLogsCommand(program, connection)
  registerClusterCommand(program, connection)
  registerKubeconfigCommand(program, connection)
  pointToHelp(program, 'shoal')
  return program
}

/** kubectl's exit code for a command line it cannot parse; a failure of the command itself is 1. */
const USAGE_EXIT = 2

/**
 * Commander reports every mistake in the command line (unknown option, missing argument, extra
 * argument ...) with exit code 1; make those 2. Help and --version keep 0, and `shoal` alone
 * keeps printing its help. Set before the commands are added, which inherit it.
 */
function usageExit(err: CommanderError): never {
  if (err.exitCode !== 0 && err.code !== 'commander.help') throw new CommanderError(USAGE_EXIT, err.code, err.message)
  throw err
}

/** After a usage error, one line that says where help is rather than the whole help text. */
function pointToHelp(cmd: Command, path: string): void {
  cmd.showHelpAfterError(`See '${path} --help' for usage.`)
  for (const sub of cmd.commands) pointToHelp(sub, `${path} ${sub.name()}`)
}

