import * as lp from 'it-length-prefixed'
import type { Uint8ArrayList } from 'uint8arraylist'
import type { Message } from '../core/types.js'
import { decodeBatch, encodeBatch } from '../wire/codec.js'

// The /shoal/raft/1 wire protocol. Each peer opens one long-lived stream to each other peer it
// sends to; a stream carries frames in one direction only (replies come on the other peer's own
// stream). A frame is an unsigned-varint length followed by one encoded message batch
// (consensus/wire/codec.ts).

export const RAFT_PROTOCOL = '/shoal/raft/1'

/** Largest frame accepted or sent: a snapshot message must fit in one frame. */
export const DEFAULT_MAX_FRAME_BYTES = 16 * 1024 * 1024

/** Most messages in one frame, so a receiver never decodes an unbounded batch. */
export const MAX_BATCH_MESSAGES = 8192

/** Thrown by encodeFrame: the encoded batch is over the frame limit (only a single huge message can be). */
export class FrameTooLargeError extends Error {
  override name = 'FrameTooLargeError'
  constructor(
    readonly bytes: number,
    readonly max: number,
  ) {
    super(`raft frame of ${bytes} bytes exceeds the limit of ${max}`)
  }
}

/** Encode messages as one length-prefixed frame. */
export function encodeFrame(messages: readonly Message[], maxFrameBytes: number, sizeHint?: number): Uint8ArrayList {
  const body = encodeBatch(messages, sizeHint)
  if (body.byteLength > maxFrameBytes) throw new FrameTooLargeError(body.byteLength, maxFrameBytes)
  return lp.encode.single(body, { maxDataLength: maxFrameBytes })
}

/**
 * Decoded batches from a stream of frames. Throws on a frame over the limit (before reading its
 * body), on a truncated frame and, via CodecError, on a body that is not a valid batch.
 */
export async function* readBatches(
  source: AsyncIterable<Uint8Array | Uint8ArrayList>,
  maxFrameBytes: number,
): AsyncGenerator<{ messages: Message[]; bytes: number }> {
  for await (const frame of lp.decode(source, { maxDataLength: maxFrameBytes })) {
    const body = frame.subarray()
    yield { messages: decodeBatch(body, { maxBytes: maxFrameBytes, maxMessages: MAX_BATCH_MESSAGES }), bytes: body.byteLength }
  }
}
