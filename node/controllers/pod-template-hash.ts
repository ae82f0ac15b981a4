import type { JsonValue } from '../../crdt/model/json.js'
import { sortKeysDeep } from '../../crdt/model/json.js'
import type { PodTemplate } from './types.js'

/** The label a Deployment adds to each ReplicaSet's selector and pods, so their pods never overlap. */
export const POD_TEMPLATE_HASH_LABEL = 'pod-template-hash'

/**
 * Kubernetes' SafeEncodeString alphabet: no vowels (no accidental words), no look-alike 0/1/3.
 * Template hashes and generated name suffixes both use it.
 */
export const SAFE_ALPHABET = 'bcdfghjklmnpqrstvwxz2456789'

function isEmpty(value: unknown): boolean {
  if (value === null || value === undefined) return true
  if (Array.isArray(value)) return value.length === 0
  return typeof value === 'object' && Object.keys(value).length === 0
}

/**
 * The value with null, `{}` and `[]` left out, recursively. Go clients print unset fields that way
 * (`creationTimestamp: null`, `resources: {}`), so a template that `kubectl rollout undo` copies
 * back from a ReplicaSet must compare equal to the one a user wrote, as Kubernetes' semantic
 * equality treats nil and empty alike.
 */
function withoutEmpty(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutEmpty).filter((v) => !isEmpty(v))
  if (typeof value !== 'object' || value === null) return value
  const out: Record<string, unknown> = {}
  for (const [key, child] of Object.entries(value)) {
    const v = withoutEmpty(child)
    if (!isEmpty(v)) out[key] = v
  }
  return out
}

/**
 * The template as it is compared and hashed: canonical JSON (empty fields dropped, keys sorted,
 * as the store keeps no key order either) without the hash label.
 */
export function templateKey(template: PodTemplate): string {
  const labels = { ...template.metadata?.labels }
  delete labels[POD_TEMPLATE_HASH_LABEL]
  return JSON.stringify(sortKeysDeep(withoutEmpty({ ...template, metadata: { ...template.metadata, labels } }) as JsonValue))
}

/** Kubernetes' EqualIgnoreHash: the same pod template, whatever their pod-template-hash labels. */
export function sameTemplate(a: PodTemplate, b: PodTemplate): boolean {
  return templateKey(a) === templateKey(b)
}

/** 32-bit FNV-1a over the UTF-8 bytes of `text` (Kubernetes hashes templates with FNV-32a). */
function fnv32a(text: string): number {
  let hash = 0x811c9dc5
  for (const byte of new TextEncoder().encode(text)) {
    hash ^= byte
    hash = Math.imul(hash, 0x01000193) >>> 0
  }
  return hash
}

/**
 * The pod-template-hash of a template: stable across nodes and restarts (canonical JSON), and
 * different for each `collisionCount`, which a Deployment bumps when the name `<deploy>-<hash>`
 * is taken by a ReplicaSet with another template. Encoded like Kubernetes' hashes (`5d7f8b9c6`).
 */
export function podTemplateHash(template: PodTemplate, collisionCount = 0): string {
  const text = templateKey(template) + (collisionCount > 0 ? `#${collisionCount}` : '')
  return Array.from(String(fnv32a(text)), (c) => SAFE_ALPHABET[c.charCodeAt(0) % SAFE_ALPHABET.length]).join('')
}
