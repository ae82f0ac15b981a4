import { open, rename, stat, truncate } from 'node:fs/promises'
import type { FileHandle } from 'node:fs/promises'
import { delay } from './delay.js'

const BLOCK = 64 * 1024
const NEWLINE = 0x0a

async function sizeOf(path: string): Promise<number | undefined> {
  try {
    return (await stat(path)).size
  } catch {
    return undefined
  }
}

async function withFile<T>(path: string, use: (fh: FileHandle) => Promise<T>): Promise<T | undefined> {
  let fh: FileHandle
  try {
    fh = await open(path, 'r')
  } catch {
    return undefined
  }
  try {
    return await use(fh)
  } finally {
    await fh.close()
  }
}

async function readRange(fh: FileHandle, from: number, to: number): Promise<Buffer> {
  const buf = Buffer.allocUnsafe(Math.max(0, to - from))
  let done = 0
  while (done < buf.length) {
    const { bytesRead } = await fh.read(buf, done, buf.length - done, from + done)
    if (bytesRead === 0) break
    done += bytesRead
  }
  return buf.subarray(0, done)
}

/**
 * Bound a log that a process appends to with O_APPEND (copytruncate): when it is larger than
 * `maxBytes`, its last `maxBytes` become `<path>.1` and it is truncated, and the writer goes on at
 * the new end. Bytes written between the copy and the truncation are lost. Disk use stays below
 * about 2 x maxBytes plus what is written between two checks.
 */
export async function rotateIfLarger(path: string, maxBytes: number): Promise<boolean> {
  const size = await sizeOf(path)
  if (size === undefined || size <= maxBytes) return false
  const tail = await withFile(path, (fh) => readRange(fh, size - maxBytes, size))
  if (tail === undefined) return false
  const tmp = `${path}.1.tmp`
  const out = await open(tmp, 'w', 0o600)
  try {
    await out.writeFile(tail)
  } finally {
    await out.close()
  }
  await rename(tmp, `${path}.1`)
  await truncate(path, 0)
  return true
}

/** Where the last `lines` lines of a file start, reading backwards; `found` may fall short. */
async function tailStart(fh: FileHandle, size: number, lines: number): Promise<{ start: number; found: number }> {
  // A final newline ends the last line rather than starting an empty one.
  let newlines = 0
  let end = size
  let skipLast = size > 0 && (await readRange(fh, size - 1, size))[0] === NEWLINE
  while (end > 0) {
    const from = Math.max(0, end - BLOCK)
    const block = await readRange(fh, from, end)
    for (let i = block.length - 1; i >= 0; i--) {
      if (block[i] !== NEWLINE) continue
      if (skipLast) {
        skipLast = false
        continue
      }
      if (++newlines === lines) return { start: from + i + 1, found: lines }
    }
    end = from
  }
  return { start: 0, found: size === 0 ? 0 : newlines + 1 }
}

/**
 * The last `lines` lines across `paths` (oldest file first), as one buffer, and the offset in the
 * newest file where it ends (where a follower goes on).
 */
export async function readTail(paths: readonly string[], lines: number): Promise<{ data: Buffer; end: number }> {
  const parts: Buffer[] = []
  let wanted = lines
  let end: number | undefined
  for (const path of [...paths].reverse()) {
    const part = await withFile(path, async (fh) => {
      const size = (await fh.stat()).size
      end ??= size
      if (wanted <= 0) return undefined
      const { start, found } = await tailStart(fh, size, wanted)
      wanted -= found
      return readRange(fh, start, size)
    })
    if (part !== undefined) parts.unshift(part)
    if (wanted <= 0 && end !== undefined) break
  }
  return { data: Buffer.concat(parts), end: end ?? 0 }
}

/** Stream `path` from `from` to its current end in blocks; returns the offset reached. */
export async function* readFrom(path: string, from: number): AsyncGenerator<Uint8Array, number> {
  let pos = from
  const size = await sizeOf(path)
  if (size === undefined) return pos
  const fh = await open(path, 'r')
  try {
    while (pos < size) {
      const chunk = await readRange(fh, pos, Math.min(size, pos + BLOCK))
      if (chunk.length === 0) break
      pos += chunk.length
      yield chunk
    }
  } finally {
    await fh.close()
  }
  return pos
}

export interface FollowOptions {
  /** Offset in `path` already delivered. */
  from: number
  pollMs: number
  signal?: AbortSignal
  /** False once the writer has exited: the follower drains what is left and ends. */
  writerAlive: () => Promise<boolean>
}

/**
 * Deliver what is appended to `path` after `from`, polling its size. After a rotation (the file
 * shrank) it continues from the start; what was rotated away since the last poll is not delivered.
 */
export async function* followFile(path: string, options: FollowOptions): AsyncGenerator<Uint8Array> {
  let pos = options.from
  for (;;) {
    if (options.signal?.aborted === true) return
    // Ask before reading, so that everything written before the writer exited is read below.
    const alive = await options.writerAlive()
    const size = (await sizeOf(path)) ?? 0
    if (size < pos) pos = 0
    if (size > pos) pos = yield* readFrom(path, pos)
    if (!alive) return
    await delay(options.pollMs, options.signal)
  }
}
