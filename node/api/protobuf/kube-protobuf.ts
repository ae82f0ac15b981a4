import type { JsonObject, JsonValue } from '../../../crdt/index.js'
import { BadRequestError, UnsupportedMediaTypeError } from '../errors.js'
import type { FieldDef, MessageDef, ValueType } from './kube-messages.js'
import { MESSAGES, TOP_LEVEL } from './kube-messages.js'
import type { WireField } from './wire.js'
import { readFields, signed, utf8 } from './wire.js'

/**
 * Kubernetes' protobuf encoding (`application/vnd.kubernetes.protobuf`), read into the JSON form
 * of the object. kubectl's typed clients send it (`kubectl create deployment`), and it has no
 * JSON fallback, so shoal reads it for the kinds in TOP_LEVEL.
 *
 * Go's marshaller writes every non-pointer field, set or not, so zero values are dropped as Go's
 * `omitempty` drops them in JSON (pointer fields keep theirs). A field shoal has no name for is
 * fine while it is zero; set, it is refused with 415 rather than lost, and JSON is the way.
 */

export const PROTOBUF_MEDIA_TYPE = 'application/vnd.kubernetes.protobuf'

/** "k8s\0": the prefix of Kubernetes' protobuf envelope (runtime.Unknown). */
const MAGIC = [0x6b, 0x38, 0x73, 0x00]


const bytesOf = (f: WireField, where: string): Uint8Array => {
  if (!(f.value instanceof Uint8Array)) throw new BadRequestError(`malformed protobuf body: field ${f.number} of ${where} is not length-delimited`)
  return f.value
}

const varintOf = (f: WireField, where: string): bigint => {
  if (typeof f.value !== 'bigint') throw new BadRequestError(`malformed protobuf body: field ${f.number} of ${where} is not a varint`)
  return f.value
}

const isZero = (f: WireField): boolean => (typeof f.value === 'bigint' ? f.value === 0n : f.value.every((b) => b === 0))

/** metav1.Time {seconds, nanos} as RFC 3339; the zero time (Go's unset) as undefined. */
function time(bytes: Uint8Array): string | undefined {
  let seconds = 0
  let nanos = 0
  for (const f of readFields(bytes)) {
    if (f.number === 1) seconds = signed(varintOf(f, 'Time'))
    if (f.number === 2) nanos = signed(varintOf(f, 'Time'))
  }
  if (seconds === 0 && nanos === 0) return undefined
  return new Date(seconds * 1000 + Math.floor(nanos / 1e6)).toISOString().replace(/\.000Z$/, 'Z')
}

/** intstr.IntOrString {type, intVal, strVal}: 0 is a meaningful value here (maxSurge: 0). */
function intOrString(bytes: Uint8Array): number | string {
  let type = 0
  let intVal = 0
  let strVal = ''
  for (const f of readFields(bytes)) {
    if (f.number === 1) type = signed(varintOf(f, 'IntOrString'))
    if (f.number === 2) intVal = signed(varintOf(f, 'IntOrString'))
    if (f.number === 3) strVal = utf8(bytesOf(f, 'IntOrString'))
  }
  return type === 1 ? strVal : intVal
}

/** One value, or undefined when it is Go's zero value and the field is not a pointer. */
function value(f: WireField, type: ValueType, keepZero: boolean, where: string): JsonValue | undefined {
  switch (type) {
    case 'string': {
      const s = utf8(bytesOf(f, where))
      return s === '' && !keepZero ? undefined : s
    }
    case 'int': {
      const n = signed(varintOf(f, where))
      return n === 0 && !keepZero ? undefined : n
    }
    case 'bool': {
      const b = varintOf(f, where) !== 0n
      return !b && !keepZero ? undefined : b
    }
    case 'time':
      return time(bytesOf(f, where))
    case 'quantity':
      return message(bytesOf(f, where), 'Quantity', { 1: { name: 'string', type: 'string' } })['string']
    case 'intOrString':
      return intOrString(bytesOf(f, where))
    default: {
      const m = message(bytesOf(f, where), type.message)
      return Object.keys(m).length === 0 && !keepZero ? undefined : m
    }
  }
}

/** A map entry: key 1, value 2. */
function entry(f: WireField, type: ValueType, where: string): [string, JsonValue | undefined] {
  let key = ''
  let v: JsonValue | undefined
  for (const e of readFields(bytesOf(f, where))) {
    if (e.number === 1) key = utf8(bytesOf(e, where))
    if (e.number === 2) v = value(e, type, true, where)
  }
  return [key, v ?? (type === 'string' ? '' : undefined)]
}

function put(out: JsonObject, field: FieldDef, f: WireField, where: string): void {
  if (field.map === true) {
    const [key, v] = entry(f, field.type, where)
    const map = (out[field.name] ??= {}) as JsonObject
    if (v !== undefined) map[key] = v
    return
  }
  // List elements are kept even when empty: `command: [sh, -c, ""]` means what it says.
  const v = value(f, field.type, field.keepZero === true || field.repeated === true, where)
  if (v === undefined) return
  if (field.repeated === true) ((out[field.name] ??= []) as JsonValue[]).push(v)
  else if (field.inline === true && typeof v === 'object' && !Array.isArray(v)) Object.assign(out, v)
  else out[field.name] = v
}

function message(bytes: Uint8Array, name: string, def: MessageDef | undefined = MESSAGES[name]): JsonObject {
  const out: JsonObject = {}
  for (const f of readFields(bytes)) {
    const field = def?.[f.number]
    if (field === undefined) {
      if (isZero(f)) continue
      throw new UnsupportedMediaTypeError(`field ${f.number} of ${name} is set, and shoal does not read it from protobuf: send the object as JSON`)
    }
    if (field.skip !== true) put(out, field, f, name)
  }
  return out
}

/** The object in a protobuf request body, as JSON. 415 for kinds or fields shoal does not read, 400 when malformed. */
export function decodeKubeProtobuf(body: Uint8Array): JsonObject {
  if (body.length < MAGIC.length || MAGIC.some((b, i) => body[i] !== b)) throw new BadRequestError('malformed protobuf body: it does not start with the Kubernetes envelope "k8s\\0"')
  let apiVersion = ''
  let kind = ''
  let raw: Uint8Array = new Uint8Array()
  for (const f of readFields(body.subarray(MAGIC.length))) {
    if (f.number === 1) {
      for (const t of readFields(bytesOf(f, 'TypeMeta'))) {
        if (t.number === 1) apiVersion = utf8(bytesOf(t, 'TypeMeta'))
        if (t.number === 2) kind = utf8(bytesOf(t, 'TypeMeta'))
      }
    } else if (f.number === 2) raw = bytesOf(f, 'Unknown')
    else if (f.number === 3 && !isZero(f)) throw new UnsupportedMediaTypeError('compressed protobuf bodies are not supported: send JSON')
  }
  const top = TOP_LEVEL.get(`${apiVersion} ${kind}`)
  if (top === undefined) {
    const known = [...TOP_LEVEL.keys()].join(', ')
    throw new UnsupportedMediaTypeError(`shoal reads protobuf bodies only for ${known}; send ${kind || 'the object'} as JSON`)
  }
  return { apiVersion, kind, ...message(raw, top) }
}
