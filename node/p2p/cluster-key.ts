import { createHmac, randomBytes } from 'node:crypto'

// The cluster key is a libp2p private-network pre-shared key in its v1 text form, so the same file
// works with other libp2p tools. Peers without it cannot even complete a connection handshake.
const HEADER = '/key/swarm/psk/1.0.0/\n/base16/\n'

export class InvalidClusterKeyError extends Error {
  override name = 'InvalidClusterKeyError'
}

export class MissingClusterKeyError extends Error {
  override name = 'MissingClusterKeyError'
}

export interface ClusterKey {
  /** The key as libp2p's pnet expects it (the v1 text, as bytes). */
  psk: Uint8Array
  /** 32 raw key bytes. */
  secret: Buffer
}

export function generateClusterKeyText(): string {
  return HEADER + randomBytes(32).toString('hex') + '\n'
}

export function parseClusterKey(text: string, source: string): ClusterKey {
  const lines = text.trim().split(/\r?\n/).map((l) => l.trim())
  let hex: string | undefined
  if (lines.length === 1) {
    // Accept the bare hex form too, which is what people paste into SHOAL_CLUSTER_KEY.
    hex = lines[0]
  } else if (lines.length === 3 && lines[0] === '/key/swarm/psk/1.0.0/' && lines[1] === '/base16/') {
    hex = lines[2]
  }
  if (hex === undefined || !/^[0-9a-fA-F]{64}$/.test(hex)) {
    throw new InvalidClusterKeyError(
      `${source} is not a valid cluster key: expected 64 hex characters, optionally after the lines "/key/swarm/psk/1.0.0/" and "/base16/"`,
    )
  }
  const normalized = HEADER + hex.toLowerCase()
  return { psk: new TextEncoder().encode(normalized), secret: Buffer.from(hex, 'hex') }
}

/**
 * The admin API token is derived from the cluster key, so every member serves the same token
 * without it ever crossing the network, and a joining node needs only the key.
 */
export function deriveAdminToken(key: ClusterKey): string {
  return createHmac('sha256', key.secret).update('shoal/admin-token/v1').digest('base64url')
}
