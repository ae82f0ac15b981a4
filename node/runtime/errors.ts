import type { RuntimeName } from './types.js'

export class ContainerNotFoundError extends Error {
  override name = 'ContainerNotFoundError'
  constructor(readonly id: string) {
    super(`no such container: ${id}`)
  }
}

export class ContainerNotRunningError extends Error {
  override name = 'ContainerNotRunningError'
  constructor(readonly id: string) {
    super(`container ${id} is not running`)
  }
}

/** The spec cannot run on this runtime (e.g. no image for docker, no command for process). */
export class InvalidContainerSpecError extends Error {
  override name = 'InvalidContainerSpecError'
}

/** Docker: the image is not present locally; call ensureImage first. */
export class ImageNotFoundError extends Error {
  override name = 'ImageNotFoundError'
  constructor(readonly image: string) {
    super(`image ${image} is not present on this node`)
  }
}

export class ImagePullError extends Error {
  override name = 'ImagePullError'
  constructor(
    readonly image: string,
    detail: string,
    options?: ErrorOptions,
  ) {
    super(`pulling ${image} failed: ${detail}`, options)
  }
}

/** The runtime does not answer (no Docker engine on the socket). */
export class RuntimeUnavailableError extends Error {
  override name = 'RuntimeUnavailableError'
  constructor(
    readonly runtime: RuntimeName,
    detail: string,
    options?: ErrorOptions,
  ) {
    super(`${runtime} runtime unavailable: ${detail}`, options)
  }
}

export class ExecTimeoutError extends Error {
  override name = 'ExecTimeoutError'
  constructor(
    readonly id: string,
    readonly timeoutMs: number,
  ) {
    super(`exec in container ${id} did not finish within ${timeoutMs} ms`)
  }
}

/** Docker answered with an error this module has no better class for. */
export class DockerApiError extends Error {
  override name = 'DockerApiError'
  constructor(
    readonly statusCode: number | undefined,
    detail: string,
    options?: ErrorOptions,
  ) {
    super(`docker API error${statusCode === undefined ? '' : ` (HTTP ${statusCode})`}: ${detail}`, options)
  }
}
