import type { ConnectionOptions } from '../../client.js'
import { ApiClient, CliError, resolveConnection } from '../../client.js'
import type { ApiObject, WatchEvent } from '../../output/api-object.js'

/** The API client every command starts with. */
export async function connect(connection: () => ConnectionOptions): Promise<ApiClient> {
  return new ApiClient(await resolveConnection(connection()))
}

/** The events of a watch stream (newline-delimited JSON), until the server ends it. */
export async function* watchEvents(client: ApiClient, path: string, signal?: AbortSignal): AsyncIterable<WatchEvent<ApiObject>> {
  const decoder = new TextDecoder()
  let buffer = ''
  for await (const chunk of client.stream(path, signal)) {
    buffer += decoder.decode(chunk, { stream: true })
    let nl: number
    while ((nl = buffer.indexOf('\n')) >= 0) {
      const line = buffer.slice(0, nl).trim()
      buffer = buffer.slice(nl + 1)
      if (line !== '') yield JSON.parse(line) as WatchEvent<ApiObject>
    }
  }
}

/**
 * Per-object failures in commands that act on many objects (apply, delete): each is reported on
 * stderr as it happens, the rest still run, and the exit status says something failed.
 */
export function reportFailure(err: unknown): void {
  // Server errors already read "Error from server …"; local ones get kubectl's "error:" prefix.
  process.stderr.write(err instanceof CliError ? `${err.message}\n` : `error: ${err instanceof Error ? err.message : String(err)}\n`)
  process.exitCode = 1
}
