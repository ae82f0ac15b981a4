import { readIfExists } from '../../lib/files.js'
import { writeFileDurable } from '../../lib/record-file-io.js'

// Small state files beside the WAL (a recovery marker, a formation proposal): written whole and
// atomically, and durable before the write resolves, because the decisions they record must
// survive a crash that follows them.

/** Write `value` as JSON to `path`, durably (see writeFileDurable). */
export async function writeDurableJson(path: string, value: unknown): Promise<void> {
  await writeFileDurable(path, Buffer.from(JSON.stringify(value) + '\n'))
}

/**
 * The parsed content of `path`; undefined when there is no such file. A file that exists but does
 * not parse yields `null`: the caller still learns that the decision was recorded.
 */
export async function readDurableJson(path: string): Promise<unknown> {
  const buf = await readIfExists(path)
  if (buf === undefined) return undefined
  try {
    return JSON.parse(buf.toString('utf8')) as unknown
  } catch {
    return null
  }
}
