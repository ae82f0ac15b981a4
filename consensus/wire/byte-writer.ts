import { CodecError } from './codec-error.js'

const utf8 = new TextEncoder()

/** An append-only byte buffer with LEB128 varints and length-prefixed fields. */
export class ByteWriter {
  private buf: Uint8Array
  private at = 0

  constructor(capacity = 256) {
    this.buf = new Uint8Array(Math.max(16, capacity))
  }

  u8(v: number): void {
    this.reserve(1)
    this.buf[this.at++] = v
  }

  /** Unsigned LEB128 for any non-negative safe integer (arithmetic, because bitwise ops are 32-bit). */
  varint(v: number): void {
    if (!Number.isSafeInteger(v) || v < 0) throw new CodecError(`cannot encode ${v} as an unsigned varint`)
    this.reserve(8)
    while (v >= 0x80) {
      this.buf[this.at++] = (v % 0x80) | 0x80
      v = Math.floor(v / 0x80)
    }
    this.buf[this.at++] = v
  }

  bytes(b: Uint8Array): void {
    this.varint(b.byteLength)
    this.reserve(b.byteLength)
    this.buf.set(b, this.at)
    this.at += b.byteLength
  }

  string(s: string): void {
    this.bytes(utf8.encode(s))
  }

  /** The bytes written so far (a view, not a copy). */
  finish(): Uint8Array {
    return this.buf.subarray(0, this.at)
  }

  private reserve(n: number): void {
    if (this.at + n <= this.buf.length) return
    let size = this.buf.length * 2
    while (size < this.at + n) size *= 2
    const next = new Uint8Array(size)
    next.set(this.buf.subarray(0, this.at))
    this.buf = next
  }
}
