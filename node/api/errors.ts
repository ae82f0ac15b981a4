/** One cause of an invalid request, as in a Kubernetes Status' details.causes. */
export interface StatusCause {
  reason: string
  message: string
  field?: string
}

export interface StatusDetails {
  name?: string
  group?: string
  kind?: string
  causes?: StatusCause[]
  retryAfterSeconds?: number
}

/**
 * An error the API reports as a Kubernetes Status. One subclass per failure so handlers throw
 * meaning, and status.ts turns any of them (or a store error) into the response in one place.
 */
export abstract class ApiError extends Error {
  abstract readonly code: number
  abstract readonly reason: string
  details: StatusDetails | undefined

  constructor(message: string, details?: StatusDetails) {
    super(message)
    this.details = details
  }
}

export class BadRequestError extends ApiError {
  override name = 'BadRequestError'
  readonly code = 400
  readonly reason = 'BadRequest'
}

export class UnauthorizedError extends ApiError {
  override name = 'UnauthorizedError'
  readonly code = 401
  readonly reason = 'Unauthorized'
}

export class NotFoundError extends ApiError {
  override name = 'NotFoundError'
  readonly code = 404
  readonly reason = 'NotFound'
}

export class MethodNotAllowedError extends ApiError {
  override name = 'MethodNotAllowedError'
  readonly code = 405
  readonly reason = 'MethodNotAllowed'
}

export class AlreadyExistsError extends ApiError {
  override name = 'AlreadyExistsError'
  readonly code = 409
  readonly reason = 'AlreadyExists'
}

export class ConflictError extends ApiError {
  override name = 'ConflictError'
  readonly code = 409
  readonly reason = 'Conflict'
}

export class GoneError extends ApiError {
  override name = 'GoneError'
  readonly code = 410
  readonly reason = 'Expired'
}

export class PayloadTooLargeError extends ApiError {
  override name = 'PayloadTooLargeError'
  readonly code = 413
  readonly reason = 'RequestEntityTooLarge'
}

export class UnsupportedMediaTypeError extends ApiError {
  override name = 'UnsupportedMediaTypeError'
  readonly code = 415
  readonly reason = 'UnsupportedMediaType'
}

export class InvalidError extends ApiError {
  override name = 'InvalidError'
  readonly code = 422
  readonly reason = 'Invalid'
}

export class ServiceUnavailableError extends ApiError {
  override name = 'ServiceUnavailableError'
  readonly code = 503
  readonly reason = 'ServiceUnavailable'
}

export class InternalError extends ApiError {
  override name = 'InternalError'
  readonly code = 500
  readonly reason = 'InternalError'
}
