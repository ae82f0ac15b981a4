import jsonpatch from 'fast-json-patch'
import type { Operation } from 'fast-json-patch'
import type { JsonValue } from '../../../crdt/index.js'
import { BadRequestError, InvalidError } from '../errors.js'

/**
 * RFC 6902 JSON patch (`kubectl patch --type=json`): a list of add/remove/replace/move/copy/test
 * operations. A malformed list is a 400; one that does not fit the object (a failed `test`, a
 * path that does not exist) is a 422, and nothing is written either way.
 */
export function checkJsonPatch(patch: unknown): void {
  if (!Array.isArray(patch)) throw new BadRequestError('a JSON patch must be a list of operations')
  // Validating against no document checks each operation's shape, not whether its path exists.
  const error = jsonpatch.validate(patch as Operation[])
  if (error !== undefined) throw new BadRequestError(`invalid JSON patch: ${error.name}: ${firstLine(error.message)}`)
}

export function applyJsonPatch(target: JsonValue | undefined, patch: unknown): JsonValue {
  checkJsonPatch(patch)
  try {
    return jsonpatch.applyPatch(target ?? {}, patch as Operation[], false, false).newDocument as JsonValue
  } catch (err) {
    throw new InvalidError(`the JSON patch could not be applied: ${firstLine((err as Error).message)}`)
  }
}

function firstLine(message: string): string {
  return message.split('\n')[0] ?? message
}
