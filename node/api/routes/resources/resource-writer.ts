import type { JsonValue, KubeObject, ObjectStore, Preconditions } from '../../../../crdt/index.js'
import { ConflictError as StoreConflictError } from '../../../../crdt/index.js'
import { AlreadyExistsError, InvalidError } from '../../errors.js'
import type { ResourceDef } from '../../resources/registry.js'
import { validateObject } from '../../validation/validate-object.js'
import type { ValidationContext } from '../../validation/validate-object.js'
import type { RequestPatch } from './request-input.js'
import type { ResourceReader } from './resource-reader.js'
import { notFound } from './resource-reader.js'

export type StoreWriter = Pick<ObjectStore, 'get' | 'create' | 'replace' | 'updateStatus' | 'delete'>

/** The namespace Kubernetes guarantees; it can be neither missing nor deleted. */
export const DEFAULT_NAMESPACE = 'default'

/** A read-modify-write that lost a race is retried this many times before the 409 goes out. */
const ATTEMPTS = 3

/** `metadata.resourceVersion` of a request body: the client's precondition, when it gives one. */
export function resourceVersionOf(value: unknown): string | undefined {
  const rv = (value as { metadata?: { resourceVersion?: unknown } } | undefined)?.metadata?.resourceVersion
  return typeof rv === 'string' && rv !== '' ? rv : undefined
}

/**
 * Writes of one resource. Every write validates the complete object it will store (a patch is
 * validated after merging), so no request can leave an invalid or partial object behind.
 */
export class ResourceWriter {
  constructor(
    private readonly def: ResourceDef,
    private readonly store: StoreWriter,
    private readonly reader: ResourceReader,
  ) {}

  async create(namespace: string | undefined, body: unknown): Promise<KubeObject> {
    if (this.def.namespaced) this.requireNamespace(namespace ?? DEFAULT_NAMESPACE)
    const obj = this.validate(body, 'create', namespace)
    const { name } = obj.metadata
    if (this.store.get(this.def.plural, obj.metadata.namespace, name) !== undefined) {
      throw new AlreadyExistsError(`${this.def.plural} "${name}" already exists`, { name, kind: this.def.plural })
    }
    return this.reader.show(await this.store.create(this.def.plural, obj))
  }

  /** PUT: `metadata.resourceVersion` and `metadata.uid` in the body are preconditions. */
  async replace(namespace: string | undefined, name: string, body: unknown): Promise<KubeObject> {
    this.reader.stored(namespace, name)
    const obj = this.validate(body, 'update', namespace, name)
    return this.reader.show(await this.store.replace(this.def.plural, obj))
  }

  /** A patch (merge or strategic): applied to the stored object, validated whole, then written conditionally. */
  patch(namespace: string | undefined, name: string, patch: RequestPatch): Promise<KubeObject> {
    return this.update(namespace, name, resourceVersionOf(patch.body), (current) => patch.apply(current as unknown as JsonValue))
  }

  /**
   * Replace the object with `change(stored)`, validated, on the condition that it has not changed
   * since it was read. With the caller's own resourceVersion a conflict is the caller's to
   * resolve; otherwise it is retried on a fresh read.
   */
  async update(namespace: string | undefined, name: string, expectedRv: string | undefined, change: (current: KubeObject) => unknown): Promise<KubeObject> {
    return this.retrying(namespace, name, expectedRv, async (current, rv) => {
      const obj = this.validate(change(current), 'update', namespace, name)
      return this.store.replace(this.def.plural, obj, { expectedResourceVersion: rv })
    })
  }

  /** Status writes (for clients that own a status): `statusOf` gives the new status from the stored object. */
  async updateStatus(namespace: string | undefined, name: string, body: unknown, statusOf: (current: KubeObject) => unknown): Promise<KubeObject> {
    return this.retrying(namespace, name, resourceVersionOf(body), async (current, rv) => {
      const status = statusOf(current)
      return this.store.updateStatus(this.def.plural, namespace, name, status as JsonValue | undefined, { expectedResourceVersion: rv })
    })
  }

  async delete(namespace: string | undefined, name: string, preconditions: Preconditions = {}): Promise<KubeObject> {
    if (this.def.plural === 'namespaces' && name === DEFAULT_NAMESPACE) {
      throw new InvalidError('namespaces "default" may not be deleted: it always exists', {
        name,
        kind: 'namespaces',
        causes: [{ reason: 'FieldValueForbidden', message: 'Forbidden: this namespace may not be deleted', field: 'metadata.name' }],
      })
    }
    this.reader.stored(namespace, name)
    return this.reader.show(await this.store.delete(this.def.plural, namespace, name, preconditions))
  }

  requireNamespace(namespace: string): void {
    if (namespace !== DEFAULT_NAMESPACE && this.store.get('namespaces', undefined, namespace) === undefined) throw notFound('namespaces', namespace)
  }

  /** Validated objects are plain JSON (they came from a JSON or YAML body), as the store wants. */
  private validate(body: unknown, operation: ValidationContext['operation'], namespace: string | undefined, name?: string): KubeObject {
    const ctx: ValidationContext = { operation, ...(namespace !== undefined ? { namespace } : {}), ...(name !== undefined ? { name } : {}) }
    return validateObject(this.def, body, ctx) as unknown as KubeObject
  }

  private async retrying(
    namespace: string | undefined,
    name: string,
    expectedRv: string | undefined,
    write: (current: KubeObject, rv: string | undefined) => Promise<KubeObject>,
  ): Promise<KubeObject> {
    for (let attempt = 1; ; attempt++) {
      const current = this.reader.stored(namespace, name)
      try {
        return this.reader.show(await write(current, expectedRv ?? current.metadata.resourceVersion))
      } catch (err) {
        if (!(err instanceof StoreConflictError) || expectedRv !== undefined || attempt >= ATTEMPTS) throw err
      }
    }
  }
}
