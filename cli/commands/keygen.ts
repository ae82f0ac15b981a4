import type { Command } from 'commander'
import { generateClusterKeyText } from '../../node/p2p/cluster-key.js'

/**
 * `shoal keygen`: print a new cluster key. Needed when no single node creates the cluster, as
 * with --bootstrap-expect, where every initial node is started with the same key.
 */
export function registerKeygenCommand(program: Command): void {
  program
    .command('keygen')
    .description('print a new cluster key (for --cluster-key FILE or SHOAL_CLUSTER_KEY)')
    .action(() => {
      process.stdout.write(generateClusterKeyText())
    })
}
