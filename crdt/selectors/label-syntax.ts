/**
 * Kubernetes label key and value syntax (apimachinery validation.IsQualifiedName and
 * IsValidLabelValue). Each check returns a reason when invalid, undefined when valid.
 */

const NAME = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/

function checkName(name: string, what: string): string | undefined {
  if (name.length === 0) return `${what} must not be empty`
  if (name.length > 63) return `${what} must be no more than 63 characters`
  if (!NAME.test(name)) {
    return `${what} must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character`
  }
  return undefined
}

/** A label key: `[prefix/]name`, prefix a DNS subdomain of at most 253 characters. */
export function labelKeyError(key: string): string | undefined {
  const slash = key.indexOf('/')
  if (slash < 0) return checkName(key, `label key "${key}": name part`)
  const prefix = key.slice(0, slash)
  const name = key.slice(slash + 1)
  if (prefix.length === 0) return `label key "${key}": prefix part must not be empty`
  if (prefix.length > 253) return `label key "${key}": prefix part must be no more than 253 characters`
  if (!DNS_SUBDOMAIN.test(prefix)) {
    return `label key "${key}": prefix part must be a lowercase DNS subdomain (a-z, 0-9, '-', '.')`
  }
  return checkName(name, `label key "${key}": name part`)
}

/** A label value: empty, or at most 63 characters of the name alphabet. */
export function labelValueError(value: string): string | undefined {
  return value === '' ? undefined : checkName(value, `label value "${value}"`)
}
