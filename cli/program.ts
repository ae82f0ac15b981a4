import { Command } from 'commander'
import { SHOAL_VERSION } from '../node/objects/node-object.js'
import type { ConnectionOptions } from './client.js'
import { registerAgentCommand } from './commands/agent.js'
import { registerKeygenCommand } from './commands/keygen.js'
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
    .showHelpAfterError()
    .exitOverride()
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
  return program
}

