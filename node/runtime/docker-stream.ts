const HEADER = 8
const STDOUT = 1
const STDERR = 2

/**
 * Docker multiplexes stdout and stderr of a container without a TTY into frames: one byte for the
 * stream (0 stdin, 1 stdout, 2 stderr), three zero bytes, a 32-bit big-endian length, the payload.
 * This yields the payloads of stdout and stderr in arrival order. Written as an async generator
 * rather than with modem.demuxStream so consumers get backpressure and a clean end.
 */
export async function* demuxDockerStream(source: AsyncIterable<Uint8Array | string> | Iterable<Uint8Array | string>): AsyncGenerator<Uint8Array> {
  let pending: Buffer = Buffer.alloc(0)
  let raw = false
  for await (const chunk of source) {
    const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength)
    if (raw) {
      yield bytes
      continue
    }
    pending = pending.length === 0 ? bytes : Buffer.concat([pending, bytes])
    while (pending.length >= HEADER) {
      const stream = pending[0]
      if ((stream !== 0 && stream !== STDOUT && stream !== STDERR) || pending[1] !== 0 || pending[2] !== 0 || pending[3] !== 0) {
        // Not multiplexed (a container with a TTY): pass everything through as it is.
        raw = true
        yield pending
        pending = Buffer.alloc(0)
        break
      }
      const size = pending.readUInt32BE(4)
      if (pending.length < HEADER + size) break
      if (stream !== 0 && size > 0) yield Buffer.from(pending.subarray(HEADER, HEADER + size))
      pending = pending.subarray(HEADER + size)
    }
  }
}

/** Collect up to `max` bytes of an iterable's output as text. */
export async function collectText(source: AsyncIterable<Uint8Array> | Iterable<Uint8Array>, max: number): Promise<string> {
  const parts: Buffer[] = []
  let kept = 0
  for await (const chunk of source) {
    if (kept >= max) continue
    const part = Buffer.from(chunk).subarray(0, max - kept)
    parts.push(part)
    kept += part.length
  }
  return Buffer.concat(parts).toString('utf8')
}
