/**
 * Code-unit order for names and reasons: unlike localeCompare it does not depend on the machine's
 * locale, so a plan and its messages are the same on every node.
 */
export function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0
}
