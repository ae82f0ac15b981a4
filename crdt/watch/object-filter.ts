import type { KubeObject } from '../model/kube-object.js'
import type { FieldSelector } from '../selectors/field-selector.js'
import { parseFieldSelector } from '../selectors/field-selector.js'
import { LabelSelector } from '../selectors/label-selector.js'
import { parseLabelSelector } from '../selectors/parse-label-selector.js'
import type { ChangeRecord, ChangeType } from './event-history.js'

export interface FilterOptions {
  /** Only objects in this namespace (ignored for cluster-scoped kinds). */
  namespace?: string
  /** A selector string (parsed, may throw SelectorParseError) or a parsed selector. */
  labelSelector?: string | LabelSelector
  fieldSelector?: string | FieldSelector
}

export interface WatchEvent {
  type: ChangeType
  object: KubeObject
}

/** Which objects a list or watch wants: namespace AND label selector AND field selector. */
export class ObjectFilter {
  private readonly labels: LabelSelector | undefined
  private readonly fields: FieldSelector | undefined

  constructor(private readonly options: FilterOptions = {}) {
    const { labelSelector, fieldSelector } = options
    this.labels = typeof labelSelector === 'string' ? parseLabelSelector(labelSelector) : labelSelector
    this.fields = typeof fieldSelector === 'string' ? parseFieldSelector(fieldSelector) : fieldSelector
    if (this.labels?.isEverything() === true) this.labels = undefined
    if (this.fields?.isEverything() === true) this.fields = undefined
  }

  get namespace(): string | undefined {
    return this.options.namespace === '' ? undefined : this.options.namespace
  }

  matches(obj: KubeObject): boolean {
    const ns = this.namespace
    if (ns !== undefined && obj.metadata.namespace !== undefined && obj.metadata.namespace !== ns) return false
    if (this.labels !== undefined && !this.labels.matches(obj.metadata.labels)) return false
    return this.fields === undefined || this.fields.matches(obj)
  }

  /**
   * The event a filtered watcher sees, as in Kubernetes: an object modified into the selection is
   * ADDED, one modified out of it is DELETED (with its new state), others are dropped.
   */
  eventFor(record: ChangeRecord): WatchEvent | undefined {
    const now = this.matches(record.object)
    if (record.type !== 'MODIFIED') return now ? { type: record.type, object: record.object } : undefined
    const before = record.previous !== undefined && this.matches(record.previous)
    if (now) return { type: before ? 'MODIFIED' : 'ADDED', object: record.object }
    return before ? { type: 'DELETED', object: record.object } : undefined
  }
}
