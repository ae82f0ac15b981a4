import { randomBytes } from 'node:crypto'
import { open, readFile, rename } from 'node:fs/promises'

/** Write a small file atomically (temp + fsync + rename) so a crash never leaves half a key. */
export async function writeFileAtomic(path: string, data: string | Uint8Array, mode = 0o600): Promise<void> {
  // A name of its own per call: two concurrent writes of one file must not share a temp file.
  const tmp = `${path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`
  const fh = await open(tmp, 'w', mode)
  try {
    await fh.writeFile(data)
    await fh.sync()
  } finally {
    await fh.close()
  }
  await rename(tmp, path)
}

export async function readIfExists(path: string): Promise<Buffer | undefined> {
  try {
    return await readFile(path)
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined
    throw err
  }
}

export async function readJsonIfExists<T>(path: string): Promise<T | undefined> {
  const buf = await readIfExists(path)
  return buf === undefined ? undefined : (JSON.parse(buf.toString('utf8')) as T)
}
