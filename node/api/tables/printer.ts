import type { KubeObject } from '../../../crdt/index.js'

/** Any API object: the store's shape, with spec and status left open for each printer to read. */
export type ApiObject = KubeObject<unknown, unknown>

/**
 * The columns of one kind, as `shoal get` prints them and as the API serves them to kubectl in a
 * `Table` (Kubernetes prints on the server, so every client shows the same columns).
 */
export interface Printer<T = unknown> {
  headers: string[]
  row(item: T, now: number): string[]
  /** Extra columns for `-o wide` (priority 1 in a Table). */
  wideHeaders?: string[]
  wideRow?(item: T, now: number): string[]
}
