/** The Node system error code of a failed socket call, e.g. 'EADDRINUSE'. */
export function errorCode(err: unknown): string | undefined {
  const code: unknown = typeof err === 'object' && err !== null ? (err as { code?: unknown }).code : undefined
  return typeof code === 'string' ? code : undefined
}
