import { randomUUID } from 'node:crypto'
import type { Logger } from 'pino'
import * as Y from 'yjs'
import type { Startable } from '../lib/startable.js'
import { AlreadyExistsError, ConflictError, InvalidObjectError, NotFoundError } from './errors.js'
import type { JsonValue } from './model/json.js'
import { cloneJson, deepEqual, isJsonObject } from './model/json.js'
import type { KindDef } from './model/kinds.js'
import { KINDS, kindDef, objectKey } from './model/kinds.js'
import type { KubeObject } from './model/kube-object.js'
import { applyMergePatch } from './model/merge-patch.js'
import { asJsonObject, generateName, normalizeObject, rfc3339, systemMetaOf } from './model/normalize.js'
import type { SystemMeta } from './model/normalize.js'
import { writeObject } from './model/object-codec.js'
import { LOCAL_ORIGIN } from './origin.js'
import type { ChangeRecord } from './watch/event-history.js'
import type { FilterOptions, WatchEvent } from './watch/object-filter.js'
import { ObjectFilter } from './watch/object-filter.js'
import type { ObjectIndexInit } from './watch/object-index.js'
import { ObjectIndex } from './watch/object-index.js'
import { parseResourceVersion } from './watch/resource-version.js'
import type { WatchHubInit } from './watch/watch-hub.js'
import { WatchHub } from './watch/watch-hub.js'
import type { WatchStream } from './watch/watch-stream.js'

/** Whatever makes this node's writes durable; the store acknowledges a write after flushed(). */
export interface Durability {
  flushed(): Promise<void>
}

export interface ObjectStoreComponents {
  doc: Y.Doc
  logger: Logger
  /** Usually the DocPersistence; without one, writes are acknowledged once in memory. */
  durability?: Durability
}

export interface ObjectStoreInit extends ObjectIndexInit, WatchHubInit {
  now?: () => Date
  newUid?: () => string
  random?: () => number
}

export type ListOptions = FilterOptions

export interface ObjectList {
  items: KubeObject[]
  /** This node's resourceVersion at the time of the list: watch from here to miss nothing. */
  resourceVersion: string
}

export interface Preconditions {
  /** Fail with ConflictError unless the object's current resourceVersion on this node is this. */
  expectedResourceVersion?: string
  /** Fail with ConflictError unless the object's uid is this. */
  expectedUid?: string
}

export interface WatchOptions extends FilterOptions {
  /** Resume after this version; absent, '' or '0': first an ADDED event per current object. */
  resourceVersion?: string
  signal?: AbortSignal
}

const nonEmpty = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined)

/**
 * The replicated object store: Kubernetes-shaped objects in, plain JSON out. Every mutation is
 * one Yjs transaction with LOCAL_ORIGIN, built completely before the transaction opens so an
 * invalid input writes nothing. Writes resolve after the change is durable on this node (when a
 * Durability is given). Reads are synchronous and come from the ObjectIndex; returned objects
 * are frozen and shared, so copy before modifying.
 *
 * Status ownership is the callers' rule, not enforced here: `updateStatus` is the only way to
 * change `status` (create takes it, replace and patch ignore it), and only the object's owner
 * calls it (a pod's by the node bound to run it, a controller's objects by the controller that
 * manages them, a node record by that node), so concurrent status writes do not arise.
 */
export class ObjectStore implements Startable {
  private readonly index: ObjectIndex
  private readonly hub: WatchHub
  private readonly now: () => Date
  private readonly newUid: () => string
  private readonly random: () => number

  constructor(
    private readonly components: ObjectStoreComponents,
    init: ObjectStoreInit = {},
  ) {
    this.index = new ObjectIndex(components, init)
    this.hub = new WatchHub({ index: this.index, logger: components.logger }, init)
    this.now = init.now ?? (() => new Date())
    this.newUid = init.newUid ?? randomUUID
    this.random = init.random ?? Math.random
  }

  start(): void {
    this.index.start()
    this.hub.start()
  }

  stop(): void {
    this.hub.stop()
    this.index.stop()
  }

  get resourceVersion(): string {
    return String(this.index.resourceVersion)
  }

  get(kind: string, namespace: string | undefined, name: string): KubeObject | undefined {
    const def = kindDef(kind)
    return this.index.get(kind, objectKey(def, namespace, name))
  }

  /** Matching objects ordered by namespace then name. Throws SelectorParseError for bad selectors. */
  list(kind: string, options: ListOptions = {}): ObjectList {
    kindDef(kind)
    const filter = new ObjectFilter(options)
    const ns = filter.namespace
    const prefix = ns === undefined ? undefined : `${ns}/`
    const items: KubeObject[] = []
    for (const key of this.index.sortedKeys(kind)) {
      if (prefix !== undefined && !key.startsWith(prefix) && key.includes('/')) continue
      const obj = this.index.get(kind, key)!
      if (filter.matches(obj)) items.push(obj)
    }
    return { items, resourceVersion: this.resourceVersion }
  }

  async create(kind: string, input: KubeObject): Promise<KubeObject> {
    const def = kindDef(kind)
    const meta = asJsonObject(input.metadata ?? {}, 'metadata')
    const namespace = def.namespaced ? (nonEmpty(meta['namespace']) ?? 'default') : undefined
    const name = this.nameFor(def, namespace, meta)
    const key = objectKey(def, namespace, name)
    if (this.index.get(kind, key) !== undefined) throw new AlreadyExistsError(kind, namespace, name)
    const system: SystemMeta = { name, uid: this.newUid(), creationTimestamp: rfc3339(this.now()), generation: 1 }
    if (namespace !== undefined) system.namespace = namespace
    const status = input.status === undefined ? undefined : cloneJson(input.status, 'status')
    const desired = normalizeObject(def, input, system, status)
    this.transact(() => {
      const map = new Y.Map<unknown>()
      this.root(def).set(key, map)
      writeObject(map, desired)
    })
    return this.durable(this.index.get(kind, key)!)
  }

  /** Create unless an object of that name exists; returns whichever is stored. */
  async createIfAbsent(kind: string, input: KubeObject): Promise<KubeObject> {
    const def = kindDef(kind)
    const namespace = def.namespaced ? (nonEmpty(input.metadata?.namespace) ?? 'default') : undefined
    const existing = this.get(kind, namespace, input.metadata?.name ?? '')
    return existing ?? this.create(kind, input)
  }

  /**
   * Replace everything but status and the system metadata. `metadata.resourceVersion` and
   * `metadata.uid` in the body act as preconditions, as in Kubernetes; omit them to replace
   * unconditionally. `generation` is bumped only when the spec changes.
   */
  async replace(kind: string, input: KubeObject, preconditions: Preconditions = {}): Promise<KubeObject> {
    const def = kindDef(kind)
    const meta = asJsonObject(input.metadata ?? {}, 'metadata')
    const name = nonEmpty(meta['name'])
    if (name === undefined) throw new InvalidObjectError('is required', 'metadata.name')
    const current = this.require(def, def.namespaced ? (nonEmpty(meta['namespace']) ?? 'default') : undefined, name)
    this.check(def, current, {
      expectedResourceVersion: preconditions.expectedResourceVersion ?? nonEmpty(meta['resourceVersion']),
      expectedUid: preconditions.expectedUid ?? nonEmpty(meta['uid']),
    })
    return this.update(def, current, input)
  }

  /** RFC 7386 merge patch of the whole object (status and system metadata excepted). */
  async patch(kind: string, namespace: string | undefined, name: string, patch: JsonValue, preconditions: Preconditions = {}): Promise<KubeObject> {
    const def = kindDef(kind)
    const current = this.require(def, namespace, name)
    const body = cloneJson(patch, 'patch')
    if (!isJsonObject(body)) throw new InvalidObjectError('a merge patch must be a JSON object', 'patch')
    const patchMeta = isJsonObject(body['metadata']) ? body['metadata'] : {}
    this.check(def, current, {
      expectedResourceVersion: preconditions.expectedResourceVersion ?? nonEmpty(patchMeta['resourceVersion']),
      expectedUid: preconditions.expectedUid ?? nonEmpty(patchMeta['uid']),
    })
    return this.update(def, current, applyMergePatch(current as unknown as JsonValue, body) as unknown as KubeObject)
  }

  /** Set (or with `undefined`, remove) the status. Only the object's owner may call this. */
  async updateStatus(kind: string, namespace: string | undefined, name: string, status: JsonValue | undefined, preconditions: Preconditions = {}): Promise<KubeObject> {
    const def = kindDef(kind)
    const current = this.require(def, namespace, name)
    this.check(def, current, preconditions)
    const value = status === undefined ? undefined : cloneJson(status, 'status')
    return this.write(def, current, normalizeObject(def, current, systemMetaOf(current), value))
  }

  /** Delete one object; deleting a namespace deletes everything in it. Returns the last state. */
  async delete(kind: string, namespace: string | undefined, name: string, preconditions: Preconditions = {}): Promise<KubeObject> {
    const def = kindDef(kind)
    const current = this.require(def, namespace, name)
    this.check(def, current, preconditions)
    if (def.name === 'namespaces') return (await this.deleteNamespace(name))[0]!
    const key = objectKey(def, namespace, name)
    const records = this.recording(() => this.transact(() => this.root(def).delete(key)))
    return this.durable(records.find((r) => r.kind === def.name && r.key === key)?.object ?? current)
  }

  /**
   * Delete a namespace object and every namespaced object in it, in one transaction. Returns the
   * deleted objects, the namespace first when it existed. NotFoundError when nothing was there.
   */
  async deleteNamespace(name: string): Promise<KubeObject[]> {
    const targets: [KindDef, string][] = []
    const nsDef = kindDef('namespaces')
    if (this.index.get(nsDef.name, name) !== undefined) targets.push([nsDef, name])
    for (const def of KINDS.filter((d) => d.namespaced)) {
      for (const key of this.index.sortedKeys(def.name)) if (key.startsWith(`${name}/`)) targets.push([def, key])
    }
    if (targets.length === 0) throw new NotFoundError(nsDef.name, undefined, name)
    const records = this.recording(() =>
      this.transact(() => {
        for (const [def, key] of targets) this.root(def).delete(key)
      }),
    )
    const deleted = records.filter((r) => r.type === 'DELETED')
    deleted.sort((a, b) => Number(b.kind === nsDef.name) - Number(a.kind === nsDef.name))
    return this.durable(deleted.map((r) => r.object))
  }

  /**
   * Stream changes of one kind. Throws synchronously (before anything is sent) with
   * InvalidResourceVersionError, ResourceVersionTooOldError or SelectorParseError.
   */
  watch(kind: string, options: WatchOptions = {}): WatchStream {
    kindDef(kind)
    return this.hub.watch({ kind, filter: new ObjectFilter(options), since: this.since(options), ...(options.signal ? { signal: options.signal } : {}) })
  }

  /** Callback form of watch for in-process consumers; returns the unsubscribe function. */
  subscribe(kind: string, options: Omit<WatchOptions, 'signal'>, handler: (event: WatchEvent) => void): () => void {
    kindDef(kind)
    return this.hub.subscribe({ kind, filter: new ObjectFilter(options), since: this.since(options) }, handler)
  }

  private since(options: WatchOptions): number | undefined {
    const rv = options.resourceVersion
    return rv === undefined || rv === '' || rv === '0' ? undefined : parseResourceVersion(rv)
  }

  private nameFor(def: KindDef, namespace: string | undefined, meta: Record<string, unknown>): string {
    const name = nonEmpty(meta['name'])
    if (name !== undefined) return name
    const prefix = nonEmpty(meta['generateName'])
    if (prefix === undefined) throw new InvalidObjectError('name or generateName is required', 'metadata.name')
    return generateName(prefix, this.random, (n) => this.index.get(def.name, objectKey(def, namespace, n)) !== undefined)
  }

  private update(def: KindDef, current: KubeObject, input: KubeObject): Promise<KubeObject> {
    const desired = normalizeObject(def, input, systemMetaOf(current), current.status as JsonValue | undefined)
    if (!deepEqual(desired.spec, current.spec)) desired.metadata.generation = (current.metadata.generation ?? 0) + 1
    return this.write(def, current, desired)
  }

  private async write(def: KindDef, current: KubeObject, desired: KubeObject): Promise<KubeObject> {
    const key = objectKey(def, current.metadata.namespace, current.metadata.name)
    this.transact(() => writeObject(this.root(def).get(key) as Y.Map<unknown>, desired))
    return this.durable(this.index.get(def.name, key)!)
  }

  private require(def: KindDef, namespace: string | undefined, name: string): KubeObject {
    const obj = this.index.get(def.name, objectKey(def, namespace, name))
    if (obj === undefined) throw new NotFoundError(def.name, def.namespaced ? namespace : undefined, name)
    return obj
  }

  private check(def: KindDef, current: KubeObject, p: Preconditions): void {
    const { name, namespace, resourceVersion, uid } = current.metadata
    if (p.expectedUid !== undefined && p.expectedUid !== uid) {
      throw new ConflictError(def.name, namespace, name, `the object has uid ${uid}, not ${p.expectedUid}`)
    }
    if (p.expectedResourceVersion !== undefined && p.expectedResourceVersion !== resourceVersion) {
      throw new ConflictError(def.name, namespace, name, 'the object has been modified; please apply your changes to the latest version and try again')
    }
  }

  private root(def: KindDef): Y.Map<unknown> {
    return this.components.doc.getMap<unknown>(def.name)
  }

  private transact(fn: () => void): void {
    this.components.doc.transact(fn, LOCAL_ORIGIN)
  }

  /** The index's change records produced while `fn` runs (synchronously). */
  private recording(fn: () => void): ChangeRecord[] {
    const records: ChangeRecord[] = []
    const stop = this.index.onChange((r) => records.push(r))
    try {
      fn()
    } finally {
      stop()
    }
    return records
  }

  private async durable<T>(value: T): Promise<T> {
    await this.components.durability?.flushed()
    return value
  }
}
