/**
 * The store's failures, one class each, so the HTTP edge can map them to Kubernetes Status codes
 * by class (never by message): NotFound 404, AlreadyExists 409, Conflict 409, InvalidObject 422,
 * UnknownKind 404, SelectorParse 400, InvalidResourceVersion 400, ResourceVersionTooOld 410.
 */

function describe(kind: string, namespace: string | undefined, name: string): string {
  return namespace === undefined || namespace === '' ? `${kind} "${name}"` : `${kind} "${namespace}/${name}"`
}

export class UnknownKindError extends Error {
  override name = 'UnknownKindError'
  constructor(readonly kind: string) {
    super(`the store has no kind "${kind}"`)
  }
}

export class NotFoundError extends Error {
  override name = 'NotFoundError'
  constructor(
    readonly kind: string,
    readonly namespace: string | undefined,
    readonly objectName: string,
  ) {
    super(`${describe(kind, namespace, objectName)} not found`)
  }
}

export class AlreadyExistsError extends Error {
  override name = 'AlreadyExistsError'
  constructor(
    readonly kind: string,
    readonly namespace: string | undefined,
    readonly objectName: string,
  ) {
    super(`${describe(kind, namespace, objectName)} already exists`)
  }
}

/** An optimistic-concurrency precondition (resourceVersion or uid) no longer holds. */
export class ConflictError extends Error {
  override name = 'ConflictError'
  constructor(
    readonly kind: string,
    readonly namespace: string | undefined,
    readonly objectName: string,
    reason: string,
  ) {
    super(`operation on ${describe(kind, namespace, objectName)} cannot be fulfilled: ${reason}`)
  }
}

/** The input cannot be stored at all (no name, a non-JSON value, a non-string label). */
export class InvalidObjectError extends Error {
  override name = 'InvalidObjectError'
  constructor(
    message: string,
    readonly field: string,
  ) {
    super(`${field}: ${message}`)
  }
}

export class SelectorParseError extends Error {
  override name = 'SelectorParseError'
  constructor(
    readonly reason: string,
    readonly input: string,
    /** 0-based character offset in `input` where the problem was found. */
    readonly position: number,
  ) {
    super(`invalid selector "${input}" at position ${position}: ${reason}`)
  }
}

export class InvalidResourceVersionError extends Error {
  override name = 'InvalidResourceVersionError'
  constructor(readonly value: string) {
    super(`invalid resourceVersion "${value}": expected a decimal integer`)
  }
}

/**
 * The requested resourceVersion is outside this node's event window: older than its history, or
 * not issued by this node (resourceVersions are per node). Either way the client must re-list.
 */
export class ResourceVersionTooOldError extends Error {
  override name = 'ResourceVersionTooOldError'
  constructor(
    readonly requested: number,
    readonly oldest: number,
    readonly current: number,
  ) {
    super(
      requested > current
        ? `resourceVersion ${requested} was not issued by this node (current ${current}); re-list`
        : `too old resource version: ${requested} (oldest available ${oldest})`,
    )
  }
}

/** Bytes from a peer that are not a well-formed sync or update message. */
export class MalformedMessageError extends Error {
  override name = 'MalformedMessageError'
  constructor(reason: string) {
    super(`malformed sync message: ${reason}`)
  }
}
