import type { EndpointAddress, EndpointPort, Endpoints, EndpointSubset, Pod, Service } from './service-types.js'
import { resolveHostPort, targetPortOf } from './target-port.js'

const DEFAULT_NAMESPACE = 'default'

/** Equality selector: every key of `selector` is present in `labels` with the same value. */
export function selectorMatches(selector: Readonly<Record<string, string>>, labels: Readonly<Record<string, string>> | undefined): boolean {
  return Object.entries(selector).every(([key, value]) => labels !== undefined && Object.hasOwn(labels, key) && labels[key] === value)
}

/**
 * Whether shoal computes this service's endpoints. As in Kubernetes, a service without a selector
 * (absent or empty) is for endpoints the user writes by hand, e.g. to name something outside the
 * cluster; computing an empty list for it would overwrite theirs.
 */
export function hasSelector(service: Service): boolean {
  return service.spec.selector !== undefined && Object.keys(service.spec.selector).length > 0
}

function isReady(pod: Pod): boolean {
  return pod.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false
}

/** A pod can carry traffic only while it runs, is not being deleted, and its node is known. */
function isServing(pod: Pod): boolean {
  return pod.metadata.deletionTimestamp === undefined && pod.status?.phase === 'Running' && (pod.status.hostIP ?? '') !== ''
}

function portsOf(service: Service, pod: Pod): EndpointPort[] {
  const ports: EndpointPort[] = []
  for (const sp of service.spec.ports) {
    const hostPort = resolveHostPort(pod, targetPortOf(sp))
    if (hostPort !== undefined) ports.push({ ...(sp.name !== undefined ? { name: sp.name } : {}), port: hostPort, protocol: 'TCP' })
  }
  return ports.sort(comparePorts)
}

function addressOf(pod: Pod, namespace: string): EndpointAddress {
  return {
    ip: pod.status?.hostIP ?? '',
    ...(pod.spec.nodeName !== undefined ? { nodeName: pod.spec.nodeName } : {}),
    targetRef: { kind: 'Pod', name: pod.metadata.name, namespace, uid: pod.metadata.uid ?? '' },
  }
}

function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0
}

function comparePorts(a: EndpointPort, b: EndpointPort): number {
  return compareStrings(a.name ?? '', b.name ?? '') || a.port - b.port
}

function comparePortLists(a: readonly EndpointPort[], b: readonly EndpointPort[]): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    const c = comparePorts(a[i]!, b[i]!)
    if (c !== 0) return c
  }
  return a.length - b.length
}

function compareAddresses(a: EndpointAddress, b: EndpointAddress): number {
  return compareStrings(a.ip, b.ip) || compareStrings(a.targetRef.name, b.targetRef.name) || compareStrings(a.targetRef.uid, b.targetRef.uid)
}

/**
 * The Endpoints object for `service` from the pods the store holds: pods of the service's
 * namespace that match its selector, run, are not being deleted and have a host IP. Ready pods
 * go to `addresses`, the others to `notReadyAddresses`.
 *
 * Each pod serves on its own host ports, so addresses are grouped into one subset per distinct
 * set of resolved ports, as Kubernetes repacks subsets when pods expose different ports. A
 * service port the pod does not expose is left out of that pod's subset; a pod exposing none of
 * them is left out. Everything is sorted, so equal inputs give equal (comparable) objects.
 *
 * Returns undefined for a service without a selector: its endpoints are the user's (see
 * {@link hasSelector}).
 */
export function computeEndpoints(service: Service, pods: readonly Pod[]): Endpoints | undefined {
  if (!hasSelector(service)) return undefined
  const selector = service.spec.selector ?? {}
  const namespace = service.metadata.namespace ?? DEFAULT_NAMESPACE
  const subsets = new Map<string, EndpointSubset>()
  for (const pod of pods) {
    if ((pod.metadata.namespace ?? DEFAULT_NAMESPACE) !== namespace) continue
    if (!selectorMatches(selector, pod.metadata.labels) || !isServing(pod)) continue
    const ports = portsOf(service, pod)
    if (ports.length === 0) continue
    const key = JSON.stringify(ports)
    let subset = subsets.get(key)
    if (subset === undefined) {
      subset = { addresses: [], notReadyAddresses: [], ports }
      subsets.set(key, subset)
    }
    const ready = service.spec.publishNotReadyAddresses === true || isReady(pod)
    ;(ready ? subset.addresses : subset.notReadyAddresses).push(addressOf(pod, namespace))
  }
  for (const subset of subsets.values()) {
    subset.addresses.sort(compareAddresses)
    subset.notReadyAddresses.sort(compareAddresses)
  }
  const labels = service.metadata.labels
  return {
    apiVersion: 'v1',
    kind: 'Endpoints',
    metadata: { name: service.metadata.name, namespace, ...(labels !== undefined && Object.keys(labels).length > 0 ? { labels: { ...labels } } : {}) },
    subsets: [...subsets.values()].sort((a, b) => comparePortLists(a.ports, b.ports)),
  }
}
