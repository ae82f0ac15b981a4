import type { ApiError, StatusDetails } from './errors.js'
import { BadRequestError, InternalError, PayloadTooLargeError, UnsupportedMediaTypeError } from './errors.js'
import { ApiError as ApiErrorBase } from './errors.js'

export interface Status {
  kind: 'Status'
  apiVersion: 'v1'
  metadata: Record<string, never>
  status: 'Failure' | 'Success'
  message: string
  reason: string
  details?: StatusDetails
  code: number
}

export function statusOf(err: ApiError): Status {
  return {
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    message: err.message,
    reason: err.reason,
    ...(err.details !== undefined ? { details: err.details } : {}),
    code: err.code,
  }
}

/** Translators from other layers' error classes (the store's, for one) into API errors. */
export type ErrorTranslator = (err: unknown) => ApiError | undefined

interface FastifyishError {
  code?: string
  statusCode?: number
  message: string
}

/** Every error that reaches the HTTP edge becomes an ApiError here, and only here. */
export function toApiError(err: unknown, translators: readonly ErrorTranslator[] = []): ApiError {
  if (err instanceof ApiErrorBase) return err
  for (const t of translators) {
    const mapped = t(err)
    if (mapped !== undefined) return mapped
  }
  const e = err as FastifyishError
  switch (e?.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new PayloadTooLargeError('request body is larger than the limit')
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return new UnsupportedMediaTypeError(e.message)
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return new BadRequestError('request body is empty')
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return new BadRequestError(`malformed request body: ${e.message}`)
  }
  if (err instanceof SyntaxError || e?.statusCode === 400) return new BadRequestError(`malformed request: ${e.message}`)
  return new InternalError(err instanceof Error ? err.message : 'internal error')
}
