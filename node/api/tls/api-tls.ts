import { hostname, networkInterfaces } from 'node:os'
import type { RouteModule } from '../router.js'
import { mount } from '../router.js'
import type { ClusterCa } from './cluster-ca.js'
import { clusterCa } from './cluster-ca.js'
import type { ServingCert } from './serving-cert.js'
import { issueServingCert } from './serving-cert.js'

export interface ApiTlsComponents {
  /** The cluster key's 32 secret bytes. */
  secret: Uint8Array
}

export interface ApiTlsInit {
  /** The API's bind host; a wildcard means every address of this machine. */
  bindHost: string
  /** More names the API is reached by (the node name, an advertised address). */
  names?: readonly string[]
  now?: () => Date
}

const WILDCARDS = new Set(['0.0.0.0', '::', ''])

/** Every name and address a client on this machine or the network may use to reach the API. */
function apiHosts(bindHost: string, names: readonly string[] = []): string[] {
  const hosts = ['localhost', '127.0.0.1', '::1', hostname(), ...names]
  if (!WILDCARDS.has(bindHost)) hosts.push(bindHost)
  else for (const addrs of Object.values(networkInterfaces())) for (const a of addrs ?? []) hosts.push(a.address.replace(/%.*$/, ''))
  return [...new Set(hosts)]
}

/**
 * The API's TLS material: the cluster CA (derived from the cluster key, identical on every node)
 * and this node's serving certificate, issued under it. The CA is what a kubeconfig trusts.
 */
export class ApiTls {
  private ca: Promise<ClusterCa> | undefined

  constructor(
    private readonly components: ApiTlsComponents,
    private readonly init: ApiTlsInit,
  ) {}

  async caPem(): Promise<string> {
    return (await this.clusterCa()).pem
  }

  async servingCert(): Promise<ServingCert> {
    return issueServingCert(await this.clusterCa(), { hosts: apiHosts(this.init.bindHost, this.init.names), now: this.init.now?.() ?? new Date() })
  }

  /** `GET /shoal/v1/ca.crt`: the CA certificate, for `shoal kubeconfig` and other clients. */
  routes(): RouteModule {
    return {
      register: (app) => {
        mount(app, '/shoal/v1/ca.crt', {
          GET: async (_req, reply) => {
            reply.type('application/x-pem-file')
            return this.caPem()
          },
        })
      },
    }
  }

  private clusterCa(): Promise<ClusterCa> {
    this.ca ??= clusterCa(this.components.secret)
    return this.ca
  }
}
