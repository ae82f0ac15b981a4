import type { Logger } from 'pino'
import * as Y from 'yjs'
import { deepEqual, deepFreeze } from '../model/json.js'
import type { KindDef } from '../model/kinds.js'
import { KINDS } from '../model/kinds.js'
import type { KubeObject } from '../model/kube-object.js'
import { readObject } from '../model/object-codec.js'
import type { ChangeRecord, ChangeType } from './event-history.js'
import { EventHistory } from './event-history.js'
import { ResourceVersionClock } from './resource-version.js'

export interface ObjectIndexComponents {
  doc: Y.Doc
  logger: Logger
}

export interface ObjectIndexInit {
  /** Changes kept for resuming watches. */
  historySize?: number
  /** First resourceVersion minus one (tests pin it; default: the clock in microseconds). */
  resourceVersionSeed?: number
}

export type ChangeListener = (record: ChangeRecord) => void

type Observer = (events: Y.YEvent<Y.AbstractType<unknown>>[], tr: Y.Transaction) => void

/**
 * This node's view of the document as plain, frozen JSON objects with resourceVersions. It
 * observes every kind map (local and remote transactions alike), turns each changed object into
 * an ADDED / MODIFIED / DELETED record with the next resourceVersion, keeps the records in a
 * bounded history, and tells listeners synchronously, before the transaction returns. Reads are
 * served from here so a list does not convert Yjs types.
 */
export class ObjectIndex {
  readonly history: EventHistory
  private readonly clock: ResourceVersionClock
  private readonly objects = new Map<string, Map<string, KubeObject>>()
  /** Per kind, its keys in order, rebuilt lazily after an object is added or removed. */
  private readonly sorted = new Map<string, string[]>()
  private readonly listeners = new Set<ChangeListener>()
  private readonly observers: [Y.Map<unknown>, Observer][] = []

  constructor(
    private readonly components: ObjectIndexComponents,
    init: ObjectIndexInit = {},
  ) {
    this.clock = new ResourceVersionClock(init.resourceVersionSeed)
    this.history = new EventHistory(init.historySize ?? 10_000, this.clock.current)
  }

  get resourceVersion(): number {
    return this.clock.current
  }

  /** Index what the document already holds (no events) and start observing it. */
  start(): void {
    const rv = String(this.clock.current)
    for (const def of KINDS) {
      const root = this.components.doc.getMap<unknown>(def.name)
      const objects = new Map<string, KubeObject>()
      for (const [key, value] of root.entries()) {
        const obj = readObject(value, rv)
        if (obj !== undefined) objects.set(key, deepFreeze(obj))
      }
      this.objects.set(def.name, objects)
      const observer: Observer = (events) => this.onEvents(def, root, events)
      root.observeDeep(observer)
      this.observers.push([root, observer])
    }
  }

  stop(): void {
    for (const [root, observer] of this.observers.splice(0)) root.unobserveDeep(observer)
    this.listeners.clear()
  }

  get(kind: string, key: string): KubeObject | undefined {
    return this.objects.get(kind)?.get(key)
  }

  /** The kind's keys in sorted order (namespace, then name); do not modify the array. */
  sortedKeys(kind: string): readonly string[] {
    let keys = this.sorted.get(kind)
    if (keys === undefined) {
      keys = [...(this.objects.get(kind)?.keys() ?? [])].sort()
      this.sorted.set(kind, keys)
    }
    return keys
  }

  onChange(listener: ChangeListener): () => void {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }

  private onEvents(def: KindDef, root: Y.Map<unknown>, events: Y.YEvent<Y.AbstractType<unknown>>[]): void {
    // An exception here would surface from the writer's transact() after the change committed.
    try {
      const keys = new Set<string>()
      for (const event of events) {
        if (event.target === root) for (const key of (event as Y.YMapEvent<unknown>).keysChanged) keys.add(key)
        else if (typeof event.path[0] === 'string') keys.add(event.path[0])
      }
      // Sorted so that one transaction yields its events in the same order on every node.
      for (const key of [...keys].sort()) this.refresh(def, root, key)
    } catch (err) {
      this.components.logger.error({ err, kind: def.name }, 'failed to index a document change')
    }
  }

  private refresh(def: KindDef, root: Y.Map<unknown>, key: string): void {
    const objects = this.objects.get(def.name)!
    const previous = objects.get(key)
    const next = readObject(root.get(key), previous?.metadata.resourceVersion ?? '')
    if (previous !== undefined && (next === undefined || next.metadata.uid !== previous.metadata.uid)) {
      objects.delete(key)
      this.sorted.delete(def.name)
      const rv = this.clock.next()
      const last = { ...previous, metadata: { ...previous.metadata, resourceVersion: String(rv) } }
      this.record({ rv, kind: def.name, key, type: 'DELETED', object: deepFreeze(last) })
      if (next === undefined) return
      this.add(def, key, next, 'ADDED')
      return
    }
    if (next === undefined || (previous !== undefined && deepEqual(previous, next))) return
    this.add(def, key, next, previous === undefined ? 'ADDED' : 'MODIFIED', previous)
  }

  private add(def: KindDef, key: string, object: KubeObject, type: ChangeType, previous?: KubeObject): void {
    const rv = this.clock.next()
    object.metadata.resourceVersion = String(rv)
    if (previous === undefined) this.sorted.delete(def.name)
    this.objects.get(def.name)!.set(key, deepFreeze(object))
    this.record({ rv, kind: def.name, key, type, object, ...(previous !== undefined ? { previous } : {}) })
  }

  private record(record: ChangeRecord): void {
    this.history.push(record)
    for (const listener of this.listeners) {
      try {
        listener(record)
      } catch (err) {
        this.components.logger.error({ err }, 'a change listener threw')
      }
    }
  }
}
