// Decoding limits: untrusted input is refused before it can make the decoder allocate much.

export interface DecodeLimits {
  /** Largest input accepted (default 64 MiB). */
  maxBytes?: number
  /** Messages per batch (default 65 536). */
  maxMessages?: number
  /** Entries per message (default 131 072). */
  maxEntries?: number
  /** Node ids per list in a ConfState, and strings in a batch table (default 4096). */
  maxIds?: number
  /** Length of a node id (default 256 bytes). */
  maxIdBytes?: number
}

/** Limits with every default filled in. */
export interface Limits {
  maxBytes: number
  maxMessages: number
  maxEntries: number
  maxIds: number
  maxIdBytes: number
}

export function limitsOf(l: DecodeLimits): Limits {
  return {
    maxBytes: l.maxBytes ?? 64 * 1024 * 1024,
    maxMessages: l.maxMessages ?? 65_536,
    maxEntries: l.maxEntries ?? 131_072,
    maxIds: l.maxIds ?? 4096,
    maxIdBytes: l.maxIdBytes ?? 256,
  }
}

