/**
 * How a strategic merge patch merges each list of the kinds shoal serves, from the
 * `patchMergeKey`/`patchStrategy` tags of the Kubernetes API types. A list not named here is
 * atomic: the patch's list replaces it, as in a JSON merge patch.
 *
 * Paths are field names without list indices, matched at a dot boundary from the end, so
 * `containers.env` serves a pod's `spec.containers` and a controller's template alike.
 */
export type ListStrategy = { mergeKey: string } | { primitives: true }

const BY_SUFFIX: readonly (readonly [suffix: string, strategy: ListStrategy])[] = [
  ['containers.ports', { mergeKey: 'containerPort' }],
  ['initContainers.ports', { mergeKey: 'containerPort' }],
  ['containers.env', { mergeKey: 'name' }],
  ['initContainers.env', { mergeKey: 'name' }],
  ['containers.volumeMounts', { mergeKey: 'mountPath' }],
  ['initContainers.volumeMounts', { mergeKey: 'mountPath' }],
  ['containers', { mergeKey: 'name' }],
  ['initContainers', { mergeKey: 'name' }],
  ['ephemeralContainers', { mergeKey: 'name' }],
  ['spec.volumes', { mergeKey: 'name' }],
  ['spec.imagePullSecrets', { mergeKey: 'name' }],
  ['spec.hostAliases', { mergeKey: 'ip' }],
  ['metadata.ownerReferences', { mergeKey: 'uid' }],
  ['metadata.finalizers', { primitives: true }],
  ['status.conditions', { mergeKey: 'type' }],
]

/** A Service's ports merge by port number; matched whole, since pods have `…containers.ports`. */
const EXACT: ReadonlyMap<string, ListStrategy> = new Map([['spec.ports', { mergeKey: 'port' }]])

export function listStrategy(path: readonly string[]): ListStrategy | undefined {
  const joined = path.join('.')
  const exact = EXACT.get(joined)
  if (exact !== undefined) return exact
  for (const [suffix, strategy] of BY_SUFFIX) {
    if (joined === suffix || joined.endsWith(`.${suffix}`)) return strategy
  }
  return undefined
}
