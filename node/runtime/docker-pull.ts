import type Dockerode from 'dockerode'
import { ImagePullError } from './errors.js'
import { statusCode } from './docker-mapping.js'
import type { PullProgress } from './types.js'

/** One line of Docker's pull stream; failures arrive as a line with `error`, not as an HTTP error. */
interface PullEvent {
  status?: string
  id?: string
  progressDetail?: { current?: number; total?: number }
  error?: string
  errorDetail?: { message?: string }
}

function toProgress(event: PullEvent): PullProgress {
  const progress: PullProgress = { status: event.status ?? '' }
  if (event.id !== undefined) progress.id = event.id
  if (event.progressDetail?.current !== undefined) progress.current = event.progressDetail.current
  if (event.progressDetail?.total !== undefined) progress.total = event.progressDetail.total
  return progress
}

export async function imagePresent(docker: Dockerode, image: string): Promise<boolean> {
  try {
    await docker.getImage(image).inspect()
    return true
  } catch (err) {
    if (statusCode(err) === 404) return false
    throw err
  }
}

/**
 * Pull `image`, reporting each progress line. Resolves only once the image is present, so a pull
 * cut short (abort, closed stream) is an ImagePullError rather than a silent success.
 */
export async function pullImage(docker: Dockerode, image: string, signal: AbortSignal, onProgress?: (p: PullProgress) => void): Promise<void> {
  let stream: NodeJS.ReadableStream
  try {
    stream = await docker.pull(image, { abortSignal: signal })
  } catch (err) {
    throw new ImagePullError(image, signal.aborted ? 'aborted' : (err as Error).message, { cause: err })
  }
  const abort = (): void => {
    ;(stream as NodeJS.ReadableStream & { destroy?: () => void }).destroy?.()
  }
  signal.addEventListener('abort', abort, { once: true })
  try {
    await new Promise<void>((resolve, reject) => {
      docker.modem.followProgress(
        stream,
        (err) => (err === null ? resolve() : reject(new ImagePullError(image, err.message, { cause: err }))),
        (event: PullEvent) => {
          if (event.error !== undefined) reject(new ImagePullError(image, event.errorDetail?.message ?? event.error))
          else onProgress?.(toProgress(event))
        },
      )
    })
  } finally {
    signal.removeEventListener('abort', abort)
  }
  if (signal.aborted) throw new ImagePullError(image, 'aborted')
  if (!(await imagePresent(docker, image))) throw new ImagePullError(image, 'the pull ended but the image is not present')
}
