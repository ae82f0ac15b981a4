import {
  AlreadyExistsError as StoreAlreadyExists,
  ConflictError as StoreConflict,
  InvalidObjectError,
  InvalidResourceVersionError,
  NotFoundError as StoreNotFound,
  ResourceVersionTooOldError,
  SelectorParseError,
  UnknownKindError,
} from '../../crdt/index.js'
import type { ApiError } from '../api/errors.js'
import { AlreadyExistsError, BadRequestError, ConflictError, GoneError, InvalidError, NotFoundError } from '../api/errors.js'

/** The store's error classes in the API's vocabulary (the one place they are mapped). */
export function storeErrorTranslator(err: unknown): ApiError | undefined {
  if (err instanceof StoreNotFound || err instanceof UnknownKindError) return new NotFoundError(err.message)
  if (err instanceof StoreAlreadyExists) return new AlreadyExistsError(err.message)
  if (err instanceof StoreConflict) return new ConflictError(err.message)
  if (err instanceof ResourceVersionTooOldError) return new GoneError(err.message)
  if (err instanceof SelectorParseError || err instanceof InvalidResourceVersionError) return new BadRequestError(err.message)
  if (err instanceof InvalidObjectError) {
    return new InvalidError(err.message, { causes: [{ reason: 'FieldValueInvalid', message: err.message, field: err.field }] })
  }
  return undefined
}
