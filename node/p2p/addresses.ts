import { networkInterfaces } from 'node:os'
import { isIPv6 } from 'node:net'
import { multiaddr } from '@multiformats/multiaddr'
import type { Multiaddr } from '@multiformats/multiaddr'
import type { HostPort } from '../config/agent-config.js'

export class InvalidAddressError extends Error {
  override name = 'InvalidAddressError'
}

/** A `--join` value: a multiaddr as is, or HOST:PORT turned into one (dns4 for names). */
export function joinTarget(text: string): Multiaddr {
  const value = text.trim()
  if (value.startsWith('/')) {
    try {
      return multiaddr(value)
    } catch (err) {
      throw new InvalidAddressError(`--join: "${value}" is not a valid multiaddr: ${(err as Error).message}`)
    }
  }
  const m = /^(?:\[([^\]]+)\]|([^:/]+)):(\d+)$/.exec(value)
  if (m === null) throw new InvalidAddressError(`--join: expected HOST:PORT or a multiaddr, got "${value}"`)
  const host = m[1] ?? m[2]!
  const port = Number(m[3])
  if (port < 1 || port > 65535) throw new InvalidAddressError(`--join: port ${port} is out of range`)
  const proto = isIPv6(host) ? 'ip6' : /^\d+\.\d+\.\d+\.\d+$/.test(host) ? 'ip4' : 'dns4'
  return multiaddr(`/${proto}/${host}/tcp/${port}`)
}

export function listenAddr(hp: HostPort): string {
  return `/${isIPv6(hp.host) ? 'ip6' : 'ip4'}/${hp.host}/tcp/${hp.port}`
}

/**
 * The address other machines should use for this host. A wildcard bind advertises the first
 * non-internal IPv4 address (falling back to loopback on a machine with no network).
 */
export function advertisedHost(bindHost: string): string {
  if (bindHost !== '0.0.0.0' && bindHost !== '::') return bindHost
  for (const addrs of Object.values(networkInterfaces())) {
    for (const a of addrs ?? []) {
      if (a.family === 'IPv4' && !a.internal) return a.address
    }
  }
  return '127.0.0.1'
}

/** host:port of a `/ip4|ip6|dns4/H/tcp/P` multiaddr, for printing commands people can type. */
export function hostPortOf(ma: Multiaddr): string | undefined {
  const parts = ma.toString().split('/')
  if (parts.length < 5 || parts[3] !== 'tcp') return undefined
  return parts[1] === 'ip6' ? `[${parts[2]}]:${parts[4]}` : `${parts[2]}:${parts[4]}`
}
