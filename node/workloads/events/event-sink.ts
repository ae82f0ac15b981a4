/** The object an event is about. */
export interface ObjectRef {
  kind: string
  namespace?: string
  name: string
  uid?: string
}

/** Where components report what happened to an object (Scheduled, Started, BackOff, ...). */
export interface EventSink {
  record(ref: ObjectRef, type: 'Normal' | 'Warning', reason: string, message: string): void
}

export function podRef(pod: { metadata: { name: string; namespace?: string; uid?: string } }): ObjectRef {
  return {
    kind: 'Pod',
    name: pod.metadata.name,
    ...(pod.metadata.namespace !== undefined ? { namespace: pod.metadata.namespace } : {}),
    ...(pod.metadata.uid !== undefined ? { uid: pod.metadata.uid } : {}),
  }
}
