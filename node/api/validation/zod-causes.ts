import type { z } from 'zod'
import type { FieldError, FieldReason } from './field-error.js'
import { fieldPath } from './field-error.js'

/** Zod issues in Kubernetes' vocabulary: "Required value", "Unsupported value", … */
export function causesFromZod(error: z.ZodError, prefix: readonly PropertyKey[] = []): FieldError[] {
  return error.issues.map((issue) => {
    const field = fieldPath([...prefix, ...issue.path]) || '<root>'
    let reason: FieldReason = 'FieldValueInvalid'
    let message = issue.message
    if (issue.code === 'invalid_type') {
      if (issue.input === undefined) {
        reason = 'FieldValueRequired'
        message = 'Required value'
      } else {
        reason = 'FieldValueTypeInvalid'
        message = `Invalid value: expected ${issue.expected}, got ${describe(issue.input)}`
      }
    } else if (issue.code === 'invalid_value') {
      reason = 'FieldValueNotSupported'
      message = `Unsupported value: ${JSON.stringify(issue.input)}: supported values: ${issue.values.map((v) => JSON.stringify(v)).join(', ')}`
    } else if (issue.code === 'too_big' && issue.origin === 'string') {
      reason = 'FieldValueTooLong'
    } else if (issue.code === 'custom' && typeof issue.params?.['reason'] === 'string') {
      reason = issue.params['reason'] as FieldReason
    }
    return { field, reason, message }
  })
}

function describe(v: unknown): string {
  if (v === null) return 'null'
  if (Array.isArray(v)) return 'array'
  return typeof v
}
