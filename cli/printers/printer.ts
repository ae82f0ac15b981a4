/** How `shoal get` prints one kind as a table. */
export interface Printer<T = unknown> {
  headers: string[]
  row(item: T, now: number): string[]
  /** Extra columns for `-o wide`. */
  wideHeaders?: string[]
  wideRow?(item: T, now: number): string[]
}
