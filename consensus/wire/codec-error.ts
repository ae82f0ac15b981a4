/** Input that is not a valid encoding (truncated, garbage, over a limit) or a value that cannot be encoded. */
export class CodecError extends Error {
  override name = 'CodecError'
  constructor(
    message: string,
    /** Byte offset in the input where decoding failed, when decoding. */
    readonly offset?: number,
  ) {
    super(offset === undefined ? message : `${message} (at byte ${offset})`)
  }
}
