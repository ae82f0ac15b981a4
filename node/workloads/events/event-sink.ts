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

type Named = { metadata: { name: string; namespace?: string; uid?: string } }

export function objectRef(kind: string, obj: Named): ObjectRef {
  return {
    kind,
    name: obj.metadata.name,
    ...(obj.metadata.namespace !== undefined ? { namespace: obj.metadata.namespace } : {}),
    ...(obj.metadata.uid !== undefined ? { uid: obj.metadata.uid } : {}),
  }
}

export function podRef(pod: Named): ObjectRef {
  return objectRef('Pod', pod)
}
