/** `host:port`, with brackets for an IPv6 literal, as in a URL or a Go dial error. */
export function hostPort(host: string, port: number): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`
}

const phrases: Record<string, string> = {
  ECONNREFUSED: 'connect: connection refused',
  EHOSTUNREACH: 'connect: no route to host',
  ENETUNREACH: 'connect: network is unreachable',
  ENOTFOUND: 'no such host',
  EAI_AGAIN: 'temporary failure in name resolution',
}

/** Whether `err` happened while connecting (as opposed to a connection that broke later). */
export function isDialFailure(err: unknown): boolean {
  const code = (err as NodeJS.ErrnoException).code
  return code !== undefined && code in phrases
}

/**
 * Why a connection failed, worded like the kubelet's messages ("dial tcp 127.0.0.1:8080: connect:
 * connection refused") so that operators recognise them and search engines find them.
 */
export function dialError(host: string, port: number, err: unknown): string {
  const e = err as NodeJS.ErrnoException
  const detail = (e.code !== undefined ? phrases[e.code] : undefined) ?? e.message
  return `dial tcp ${hostPort(host, port)}: ${detail}`
}
