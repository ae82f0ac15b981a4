import { CodecError } from './codec-error.js'

const utf8 = new TextDecoder('utf-8', { fatal: true })
// 8 LEB128 bytes carry 56 bits, enough for any safe integer (53 bits).
const MAX_VARINT_BYTES = 8

/** Reads what ByteWriter wrote; every malformed or truncated input throws CodecError. */
export class ByteReader {
  private at = 0

  constructor(private readonly buf: Uint8Array) {}

  get offset(): number {
    return this.at
  }

  get remaining(): number {
    return this.buf.length - this.at
  }

  u8(): number {
    if (this.at >= this.buf.length) throw new CodecError('unexpected end of input', this.at)
    return this.buf[this.at++]!
  }

  varint(): number {
    const start = this.at
    let value = 0
    let scale = 1
    for (let i = 0; i < MAX_VARINT_BYTES; i++) {
      const b = this.u8()
      value += (b & 0x7f) * scale
      if (b < 0x80) {
        // A zero final byte after others is a non-canonical (padded) encoding.
        if (b === 0 && i > 0) throw new CodecError('non-canonical varint', start)
        if (!Number.isSafeInteger(value)) throw new CodecError('varint exceeds the safe integer range', start)
        return value
      }
      scale *= 0x80
    }
    throw new CodecError('varint too long', start)
  }

  /** A count of items that each take at least one byte: bounded by `max` and by the input left. */
  count(max: number, what: string): number {
    const at = this.at
    const n = this.varint()
    if (n > max) throw new CodecError(`${what}: ${n} exceeds the limit of ${max}`, at)
    if (n > this.remaining) throw new CodecError(`${what}: ${n} items cannot fit in ${this.remaining} bytes`, at)
    return n
  }

  /** Length-prefixed bytes, copied so the result does not pin the whole input buffer. */
  bytes(max: number, what: string): Uint8Array {
    const n = this.length(max, what)
    const out = this.buf.slice(this.at, this.at + n)
    this.at += n
    return out
  }

  string(max: number, what: string): string {
    const start = this.at
    const n = this.length(max, what)
    try {
      const s = utf8.decode(this.buf.subarray(this.at, this.at + n))
      this.at += n
      return s
    } catch {
      throw new CodecError(`${what}: invalid UTF-8`, start)
    }
  }

  bool(what: string): boolean {
    const at = this.at
    const b = this.u8()
    if (b > 1) throw new CodecError(`${what}: invalid boolean ${b}`, at)
    return b === 1
  }

  /** Decoding must consume the whole input: trailing bytes mean a framing bug or garbage. */
  end(): void {
    if (this.at !== this.buf.length) throw new CodecError(`${this.remaining} trailing bytes`, this.at)
  }

  private length(max: number, what: string): number {
    const at = this.at
    const n = this.varint()
    if (n > max) throw new CodecError(`${what}: length ${n} exceeds the limit of ${max}`, at)
    if (n > this.remaining) throw new CodecError(`${what}: length ${n} runs past the end of input`, at)
    return n
  }
}
