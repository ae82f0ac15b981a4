import type { Backend, ProxyConfig, ProxyService } from './proxy/proxy-config.js'
import type { Endpoints, Service, ServicePort } from './service-types.js'

const DEFAULT_NAMESPACE = 'default'

/**
 * The proxy's key for one port of a service: `namespace/name:portName`, or `namespace/name` for
 * an unnamed port (Kubernetes allows that only when the service has a single port), as
 * kube-proxy names its service ports.
 */
export function servicePortKey(service: Service, port: ServicePort): string {
  const base = `${service.metadata.namespace ?? DEFAULT_NAMESPACE}/${service.metadata.name}`
  return port.name === undefined || port.name === '' ? base : `${base}:${port.name}`
}

function createdAtOf(service: Service): number | undefined {
  const t = Date.parse(service.metadata.creationTimestamp ?? '')
  return Number.isNaN(t) ? undefined : t
}

/**
 * The Ready backends of one service port: every ready address of every subset that carries an
 * endpoint port of the same name (Kubernetes matches service and endpoint ports by name).
 * Not-ready addresses never get traffic. Sorted and without duplicates, so two nodes with the
 * same endpoints rotate through them in the same order.
 */
export function backendsFor(port: ServicePort, endpoints: Endpoints | undefined): Backend[] {
  const byAddress = new Map<string, Backend>()
  for (const subset of endpoints?.subsets ?? []) {
    const ep = subset.ports.find((p) => (p.name ?? '') === (port.name ?? ''))
    if (ep === undefined) continue
    for (const address of subset.addresses) byAddress.set(`${address.ip}:${ep.port}`, { host: address.ip, port: ep.port })
  }
  return [...byAddress.values()].sort((a, b) => (a.host < b.host ? -1 : a.host > b.host ? 1 : a.port - b.port))
}

/** One proxy entry per TCP port of `service`, with the backends its endpoints give. */
export function proxyServicesFor(service: Service, endpoints: Endpoints | undefined): ProxyService[] {
  const createdAt = createdAtOf(service)
  return service.spec.ports
    .filter((p) => (p.protocol ?? 'TCP') === 'TCP')
    .map((p) => ({ key: servicePortKey(service, p), port: p.port, backends: backendsFor(p, endpoints), ...(createdAt !== undefined ? { createdAt } : {}) }))
}

/**
 * The whole proxy config from the store's services and endpoints (computed or user-managed).
 * A service without endpoints is still listed, with no backends, so that it keeps its claim on
 * its port.
 */
export function buildProxyConfig(services: readonly Service[], endpoints: readonly Endpoints[]): ProxyConfig {
  const byName = new Map(endpoints.map((e) => [`${e.metadata.namespace}/${e.metadata.name}`, e]))
  return {
    services: services.flatMap((s) => proxyServicesFor(s, byName.get(`${s.metadata.namespace ?? DEFAULT_NAMESPACE}/${s.metadata.name}`))),
  }
}
