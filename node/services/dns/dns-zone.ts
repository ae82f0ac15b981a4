import { isIPv4, isIPv6 } from 'node:net'
import type { Answer, SoaAnswer } from 'dns-packet'
import type { Service } from '../service-types.js'

export interface DnsServicePort {
  name?: string
  port: number
  protocol?: 'TCP'
}

export interface DnsService {
  name: string
  namespace: string
  ports: DnsServicePort[]
}

/** A Service object as the DNS server needs it. */
export function dnsServiceOf(service: Service): DnsService {
  return { name: service.metadata.name, namespace: service.metadata.namespace ?? 'default', ports: service.spec.ports }
}

export interface DnsNode {
  name: string
  ip: string
  /** Nodes not ready (down, left) are left out of answers; default true. */
  ready?: boolean
}

export interface DnsConfig {
  services: DnsService[]
  nodes: DnsNode[]
  /** This node's IP: listed first, so a client asking its local server prefers its local proxy. */
  self?: string
}

export interface DnsZoneInit {
  /** The zone's apex; default 'shoal', giving NAME.NS.svc.shoal. */
  domain?: string
  ttl?: number
  /** The SOA serial, bumped by the server on each update so caches can tell versions apart. */
  serial?: number
}

/**
 * The records the server is authoritative for, built once per config. Lookups are by
 * lower-cased name without the trailing dot.
 */
export interface DnsZone {
  domain: string
  soa: SoaAnswer
  /** Records of each name that has any. */
  records: ReadonlyMap<string, readonly Answer[]>
  /** Every name that exists, including empty non-terminals such as `NS.svc.shoal`. */
  names: ReadonlySet<string>
}

function addressRecords(name: string, ips: readonly string[], ttl: number): Answer[] {
  return ips.flatMap((ip): Answer[] => (isIPv4(ip) ? [{ name, type: 'A', ttl, data: ip }] : isIPv6(ip) ? [{ name, type: 'AAAA', ttl, data: ip }] : []))
}

/** Ready node IPs, this node's first, the rest sorted: the same answer on every query. */
function serviceIps(config: DnsConfig): string[] {
  const ips = [...new Set(config.nodes.filter((n) => n.ready !== false && n.ip !== '').map((n) => n.ip))].sort()
  const self = config.self
  return self !== undefined && ips.includes(self) ? [self, ...ips.filter((ip) => ip !== self)] : ips
}

/**
 * Builds the zone. A service name answers with the IPs of the ready nodes, not the hosts of its
 * endpoints: every node proxies every service on the service port, while an endpoint's host
 * serves the pod on a different, allocated port — so hostIP:servicePort would not connect, and
 * a node IP always does (the proxy then picks a ready endpoint and skips dead ones). An SRV
 * record per named port (`_http._tcp.NAME.NS.svc.shoal`) points at the service name and port.
 */
export function buildZone(config: DnsConfig, init: DnsZoneInit = {}): DnsZone {
  const domain = (init.domain ?? 'shoal').toLowerCase().replace(/^\.+|\.+$/g, '')
  const ttl = init.ttl ?? 5
  const records = new Map<string, Answer[]>()
  const names = new Set<string>([domain])
  const add = (name: string, answers: readonly Answer[]): void => {
    records.set(name, [...(records.get(name) ?? []), ...answers])
    // Every ancestor inside the zone exists too (RFC 8020: NXDOMAIN there would hide the children).
    for (let n = name; n.length > domain.length; n = n.slice(n.indexOf('.') + 1)) names.add(n)
  }
  const ips = serviceIps(config)
  for (const service of config.services) {
    const target = `${service.name}.${service.namespace}.svc.${domain}`.toLowerCase()
    add(target, addressRecords(target, ips, ttl))
    for (const port of service.ports) {
      if (port.name === undefined || port.name === '' || (port.protocol ?? 'TCP') !== 'TCP') continue
      const srvName = `_${port.name}._tcp.${target}`.toLowerCase()
      add(srvName, [{ name: srvName, type: 'SRV', ttl, data: { priority: 0, weight: 100, port: port.port, target } }])
    }
  }
  const soa: SoaAnswer = {
    name: domain,
    type: 'SOA',
    ttl,
    data: { mname: `ns.dns.${domain}`, rname: `hostmaster.${domain}`, serial: init.serial ?? 1, refresh: 7200, retry: 1800, expire: 86400, minimum: ttl },
  }
  records.set(domain, [soa])
  return { domain, soa, records, names }
}
