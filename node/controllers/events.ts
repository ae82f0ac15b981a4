// core/v1 Events as plain objects, built and aggregated without a clock or randomness so that
// every recorder (leader controllers, node reconcilers) names and merges them the same way.

/** The reasons shoal reports, Kubernetes' names so that `kubectl get events` reads familiarly. */
export const EventReasons = {
  Scheduled: 'Scheduled',
  FailedScheduling: 'FailedScheduling',
  Pulling: 'Pulling',
  Pulled: 'Pulled',
  Started: 'Started',
  Killing: 'Killing',
  BackOff: 'BackOff',
  Unhealthy: 'Unhealthy',
  NodeNotReady: 'NodeNotReady',
  Rescheduled: 'Rescheduled',
  SuccessfulCreate: 'SuccessfulCreate',
  SuccessfulDelete: 'SuccessfulDelete',
} as const

export type EventReason = (typeof EventReasons)[keyof typeof EventReasons]
export type EventType = 'Normal' | 'Warning'

export interface InvolvedObject {
  kind: string
  /** Absent for cluster-scoped objects (nodes); their events live in 'default', as in Kubernetes. */
  namespace?: string
  name: string
  uid?: string
  apiVersion?: string
}

export interface EventSource {
  component: string
  host?: string
}

export interface KubeEvent {
  apiVersion: 'v1'
  kind: 'Event'
  metadata: { name: string; namespace: string }
  involvedObject: InvolvedObject
  reason: string
  message: string
  type: EventType
  count: number
  firstTimestamp: string
  lastTimestamp: string
  source: EventSource
  reportingComponent: string
  reportingInstance: string
}

export interface NewEventInput {
  involvedObject: InvolvedObject
  /** One of EventReasons for what shoal reports; other Kubernetes reasons pass through. */
  reason: string
  message: string
  type: EventType
  source: EventSource
  /** Clock in ms. */
  now: number
  /** Overrides the generated name. */
  name?: string
}

export function newEvent(input: NewEventInput): KubeEvent {
  const { involvedObject, reason, message, type, source, now } = input
  const at = new Date(now).toISOString()
  const event: KubeEvent = {
    apiVersion: 'v1',
    kind: 'Event',
    metadata: { name: '', namespace: involvedObject.namespace ?? 'default' },
    involvedObject: { ...involvedObject },
    reason,
    message,
    type,
    count: 1,
    firstTimestamp: at,
    lastTimestamp: at,
    source: { ...source },
    reportingComponent: source.component,
    reportingInstance: source.host ?? '',
  }
  event.metadata.name = input.name ?? `${involvedObject.name}.${nameSuffix(now, dedupeKey(event))}`
  return event
}

/**
 * Kubernetes names an event `<object>.<hex of UnixNano>`. Without a clock finer than ms, the
 * sub-millisecond digits carry a hash of the event's identity instead, so two different events
 * in one millisecond get different names while one event built twice gets the same name.
 */
function nameSuffix(now: number, key: string): string {
  let hash = 0x811c9dc5
  for (let i = 0; i < key.length; i++) hash = Math.imul(hash ^ key.charCodeAt(i), 0x01000193) >>> 0
  return (BigInt(Math.max(0, Math.trunc(now))) * 1_000_000n + BigInt(hash % 1_000_000)).toString(16)
}

type EventIdentity = Pick<KubeEvent, 'involvedObject' | 'reason' | 'message' | 'type' | 'source'>

/** Kubernetes' event key: events equal in these fields are one event seen `count` times. */
export function dedupeKey(event: EventIdentity): string {
  const o = event.involvedObject
  return JSON.stringify([event.source.component, event.source.host ?? '', o.kind, o.namespace ?? '', o.name, o.uid ?? '', o.apiVersion ?? '', event.type, event.reason, event.message])
}

export class EventMismatchError extends Error {
  override name = 'EventMismatchError'
}

/** `existing` seen again: counts add up and the last time moves forward; name and first time stay. */
export function mergeInto(existing: KubeEvent, event: KubeEvent): KubeEvent {
  if (dedupeKey(existing) !== dedupeKey(event)) throw new EventMismatchError(`event ${event.metadata.name} is not a repeat of ${existing.metadata.name}`)
  const last = Date.parse(event.lastTimestamp) > Date.parse(existing.lastTimestamp) ? event.lastTimestamp : existing.lastTimestamp
  return { ...existing, count: existing.count + event.count, lastTimestamp: last }
}

/** Kubernetes' recorder folds repeats seen within ten minutes. */
export const DEFAULT_AGGREGATE_WINDOW_MS = 10 * 60_000

export type EventWrite = { op: 'create'; event: KubeEvent } | { op: 'update'; event: KubeEvent }

/**
 * What to write for `event`: an update of the stored event it repeats (the most recent one seen
 * within `windowMs` of it), or a new object.
 */
export function aggregateEvent(existing: Iterable<KubeEvent>, event: KubeEvent, windowMs = DEFAULT_AGGREGATE_WINDOW_MS): EventWrite {
  const key = dedupeKey(event)
  const at = Date.parse(event.lastTimestamp)
  let match: KubeEvent | undefined
  for (const e of existing) {
    if (dedupeKey(e) !== key || at - Date.parse(e.lastTimestamp) > windowMs) continue
    if (match === undefined || Date.parse(e.lastTimestamp) > Date.parse(match.lastTimestamp)) match = e
  }
  return match === undefined ? { op: 'create', event } : { op: 'update', event: mergeInto(match, event) }
}
