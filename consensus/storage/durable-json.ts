import { readFile } from 'node:fs/promises'
import { dirname } from 'node:path'
import { renameTemp, syncDir, writeTemp } from '../../lib/record-file-io.js'

// Small state files beside the WAL (a recovery marker, a formation proposal): written whole and
// atomically, and durable before the write resolves, because the decisions they record must
// survive a crash that follows them.

/** Write `value` as JSON to `path`: temp file, fsync, rename, fsync the directory. */
export async function writeDurableJson(path: string, value: unknown): Promise<void> {
  const handle = await writeTemp(path, Buffer.from(JSON.stringify(value) + '\n'), true)
  try {
    await renameTemp(path)
  } finally {
    await handle.close()
  }
  await syncDir(dirname(path))
}

/**
 * The parsed content of `path`; undefined when there is no such file. A file that exists but does
 * not parse yields `null`: the caller still learns that the decision was recorded.
 */
export async function readDurableJson(path: string): Promise<unknown> {
  let text: string
  try {
    text = await readFile(path, 'utf8')
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined
    throw err
  }
  try {
    return JSON.parse(text) as unknown
  } catch {
    return null
  }
}
