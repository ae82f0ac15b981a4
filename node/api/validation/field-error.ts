import type { StatusCause } from '../errors.js'
import { InvalidError } from '../errors.js'

/** Kubernetes' cause reasons, so clients that branch on them keep working. */
export type FieldReason =
  | 'FieldValueRequired'
  | 'FieldValueInvalid'
  | 'FieldValueNotSupported'
  | 'FieldValueDuplicate'
  | 'FieldValueTypeInvalid'
  | 'FieldValueForbidden'
  | 'FieldValueTooLong'

export interface FieldError {
  field: string
  reason: FieldReason
  message: string
}

/** `spec.containers[0].image` from a path of keys and indexes. */
export function fieldPath(path: readonly PropertyKey[]): string {
  let out = ''
  for (const p of path) {
    if (typeof p === 'number') out += `[${p}]`
    else out += out === '' ? String(p) : `.${String(p)}`
  }
  return out
}

/** The 422 a Kubernetes API server gives: `Pod "web" is invalid: field: message, ...`. */
export function invalidObject(kind: string, name: string, errors: FieldError[]): InvalidError {
  const causes: StatusCause[] = errors.map((e) => ({ reason: e.reason, message: e.message, field: e.field }))
  const summary = errors.map((e) => `${e.field}: ${e.message}`).join(', ')
  return new InvalidError(`${kind} "${name}" is invalid: ${summary}`, { name, kind: kind.toLowerCase() + 's', causes })
}
