import type { Command } from 'commander'
import { stringify } from 'yaml'
import type { ConnectionOptions } from '../client.js'
import { ApiClient, CliError, resolveConnection } from '../client.js'

interface KubeconfigFlags {
  name: string
  namespace: string
}

/** The API's HTTPS address: the same port serves both, so only the scheme changes. */
function httpsUrl(server: string): string {
  const url = new URL(server)
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new CliError(`--server must be an http:// or https:// URL, got ${server}`)
  url.protocol = 'https:'
  return url.toString().replace(/\/+$/, '')
}

/** A kubeconfig that trusts the cluster CA and sends the admin token, so kubectl reaches shoal. */
export function kubeconfig(input: { server: string; caPem: string; token: string; name: string; namespace: string }): string {
  const { name } = input
  return stringify({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name, cluster: { server: httpsUrl(input.server), 'certificate-authority-data': Buffer.from(input.caPem).toString('base64') } }],
    users: [{ name: `${name}-admin`, user: { token: input.token } }],
    contexts: [{ name, context: { cluster: name, user: `${name}-admin`, namespace: input.namespace } }],
    'current-context': name,
  })
}

/**
 * `shoal kubeconfig`: print a kubeconfig for kubectl and Kubernetes client libraries. kubectl sends
 * bearer tokens only over TLS, which every agent serves on its API port under a CA derived from
 * the cluster key.
 */
export function registerKubeconfigCommand(program: Command, connection: () => ConnectionOptions): void {
  program
    .command('kubeconfig')
    .description('print a kubeconfig for kubectl (e.g. shoal kubeconfig > ~/.kube/shoal; KUBECONFIG=~/.kube/shoal kubectl get pods)')
    .option('--name <name>', 'cluster, user and context name', 'shoal')
    .option('-n, --namespace <ns>', 'default namespace of the context', 'default')
    .action(async (flags: KubeconfigFlags) => {
      const conn = await resolveConnection(connection())
      const caPem = await new ApiClient(conn).text('/shoal/v1/ca.crt')
      process.stdout.write(kubeconfig({ server: conn.server, caPem, token: conn.token, name: flags.name, namespace: flags.namespace }))
    })
}
