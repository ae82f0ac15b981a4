import { z } from 'zod'

// Kubernetes' name rules (apimachinery/pkg/util/validation).
const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/
const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/
const QUALIFIED_NAME = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/
const IANA_SVC_NAME = /^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/
const ENV_VAR_NAME = /^[-._a-zA-Z][-._a-zA-Z0-9]*$/

export const dns1123Label = z
  .string()
  .max(63, 'must be no more than 63 characters')
  .regex(DNS1123_LABEL, "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character")

export const dns1123Subdomain = z
  .string()
  .max(253, 'must be no more than 253 characters')
  .regex(
    DNS1123_SUBDOMAIN,
    "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character",
  )

export function isQualifiedName(key: string): boolean {
  const slash = key.lastIndexOf('/')
  const prefix = slash >= 0 ? key.slice(0, slash) : undefined
  const name = slash >= 0 ? key.slice(slash + 1) : key
  if (prefix !== undefined && (prefix.length > 253 || !DNS1123_SUBDOMAIN.test(prefix))) return false
  return name.length > 0 && name.length <= 63 && QUALIFIED_NAME.test(name)
}

export function isLabelValue(v: string): boolean {
  return v.length <= 63 && LABEL_VALUE.test(v)
}

/** A label map whose every key and value follows the label syntax. */
export const labelMap = z.record(z.string(), z.string()).superRefine((labels, ctx) => {
  for (const [k, v] of Object.entries(labels)) {
    if (!isQualifiedName(k)) {
      ctx.addIssue({ code: 'custom', path: [k], message: `Invalid value: "${k}": name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (at most 63 characters, optional DNS subdomain prefix and '/')` })
    }
    if (!isLabelValue(v)) {
      ctx.addIssue({ code: 'custom', path: [k], message: `Invalid value: "${v}": a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (at most 63 characters)` })
    }
  }
})

export const annotationMap = z.record(z.string(), z.string()).superRefine((annotations, ctx) => {
  let total = 0
  for (const [k, v] of Object.entries(annotations)) {
    total += k.length + v.length
    if (!isQualifiedName(k)) ctx.addIssue({ code: 'custom', path: [k], message: `Invalid value: "${k}": not a qualified name` })
  }
  if (total > 256 * 1024) ctx.addIssue({ code: 'custom', message: 'Too long: annotations may not exceed 256 KiB in total', params: { reason: 'FieldValueTooLong' } })
})

export const portName = z
  .string()
  .max(15, 'must be no more than 15 characters')
  .regex(IANA_SVC_NAME, 'must contain only lowercase alphanumeric characters and "-", and start and end with an alphanumeric character')
  .refine((s) => /[a-z]/.test(s), 'must contain at least one letter')

export const envVarName = z.string().min(1).regex(ENV_VAR_NAME, "a valid environment variable name must consist of alphabetic characters, digits, '_', '-', or '.', and must not start with a digit")

export const portNumber = z.number().int('must be an integer').min(1, 'must be between 1 and 65535, inclusive').max(65535, 'must be between 1 and 65535, inclusive')

/** A port given by number or by a container port's name (probes, targetPort). */
export const intOrPortName = z.union([portNumber, portName])
