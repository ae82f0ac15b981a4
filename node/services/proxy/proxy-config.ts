// What the proxy is told to do, and the pure rule that decides which service owns a port.

export interface Backend {
  host: string
  port: number
}

export interface ProxyService {
  /** `namespace/name:portName`, or `namespace/name` for a service's single unnamed port. */
  key: string
  /** The port listened on at the bind address. */
  port: number
  backends: Backend[]
  /** When the service was created (ms since epoch): the older claim on a port wins. */
  createdAt?: number
}

export interface ProxyConfig {
  services: ProxyService[]
}

export type ConflictReason =
  /** An older service in the same config claims the port. */
  | 'PortClaimed'
  /** Something outside the proxy (another process) holds the port. */
  | 'PortInUse'
  /** The listen failed for another reason, e.g. EACCES below 1024. */
  | 'ListenFailed'
  | 'InvalidPort'

/** One service port on the node. */
export interface ProxyPort {
  key: string
  port: number
}

export interface ProxyConflict {
  key: string
  port: number
  reason: ConflictReason
  message: string
  /** The key of the service that holds the port, for `PortClaimed`. */
  holder?: string
}

export interface PortClaims {
  /** The winner of each valid port. */
  claims: Map<number, ProxyService>
  conflicts: ProxyConflict[]
}

function olderFirst(a: ProxyService, b: ProxyService): number {
  const ta = a.createdAt ?? Number.POSITIVE_INFINITY
  const tb = b.createdAt ?? Number.POSITIVE_INFINITY
  if (ta !== tb) return ta < tb ? -1 : 1
  return a.key < b.key ? -1 : a.key > b.key ? 1 : 0
}

/**
 * Decides which service owns each port. The oldest claim wins (then the smaller key), not the
 * first one seen: every node gets the same services in a different order from the store, and
 * all of them must pick the same winner so that the condition on the Service is true everywhere.
 * A key given twice counts once (its first entry).
 */
export function claimPorts(services: readonly ProxyService[]): PortClaims {
  const unique = new Map<string, ProxyService>()
  for (const service of services) if (!unique.has(service.key)) unique.set(service.key, service)
  const claims = new Map<number, ProxyService>()
  const conflicts: ProxyConflict[] = []
  for (const service of [...unique.values()].sort(olderFirst)) {
    if (!Number.isInteger(service.port) || service.port < 1 || service.port > 65535) {
      conflicts.push({ key: service.key, port: service.port, reason: 'InvalidPort', message: `port ${service.port} is not in 1-65535` })
      continue
    }
    const holder = claims.get(service.port)
    if (holder === undefined) {
      claims.set(service.port, service)
      continue
    }
    conflicts.push({
      key: service.key,
      port: service.port,
      reason: 'PortClaimed',
      message: `port ${service.port} is already used by service ${holder.key}`,
      holder: holder.key,
    })
  }
  return { claims, conflicts }
}

/**
 * What changed between two conflict lists: conflicts that are new or changed reason (to
 * announce), and service ports that no longer have any conflict (to clear).
 */
export function diffConflicts(before: readonly ProxyConflict[], after: readonly ProxyConflict[]): { added: ProxyConflict[]; cleared: ProxyPort[] } {
  const same = (a: ProxyConflict, b: ProxyConflict): boolean => a.key === b.key && a.port === b.port
  return {
    added: after.filter((c) => !before.some((b) => same(b, c) && b.reason === c.reason)),
    cleared: before.filter((b) => !after.some((c) => same(b, c))).map(({ key, port }) => ({ key, port })),
  }
}
