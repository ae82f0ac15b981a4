import { InvalidResourceVersionError } from '../../crdt/errors.js'
import type { KubeObject } from '../../crdt/index.js'
import { WatchStream } from '../../crdt/index.js'
import type { ChangeRecord, ChangeType } from '../../crdt/watch/event-history.js'
import { EventHistory } from '../../crdt/watch/event-history.js'
import type { ObjectFilter, WatchEvent } from '../../crdt/watch/object-filter.js'
import type { Startable } from '../../lib/startable.js'
import type { AgentEventBus } from '../events.js'
import { memberToNode } from '../objects/node-object.js'
import type { Member, MemberState } from './member-table.js'

export interface NodeChangesComponents {
  events: AgentEventBus
  members: () => Member[]
}

export interface NodeChangesInit {
  /** Changes kept for watches that resume from a resourceVersion. */
  historySize?: number
  /** A watcher this many events behind is cut off and re-lists, as with the store's watches. */
  maxQueued?: number
}

const STATES: readonly (MemberState | 'forgotten')[] = ['alive', 'suspect', 'down', 'left', 'forgotten']

/**
 * Node objects as a watchable collection. A Node changes, as far as watchers are concerned, when
 * its member changes state (a new member is ADDED, alive/suspect/down/left are MODIFIED, a
 * forgotten one is DELETED); heartbeats in between only refresh the status a list shows, as a
 * kubelet's status updates would be too frequent to stream. Nodes come from live membership, not
 * from the store, so their resourceVersions are this agent's own counter of such changes: a
 * watch resumes from one while the change is still held, and a version from before a restart is
 * answered 410 Gone, so the client lists again.
 */
export class NodeChanges implements Startable {
  private version = 0
  private running = false
  private readonly history: EventHistory
  /** Per member: the version of its last change, and its Node as of that change. */
  private readonly last = new Map<string, { version: number; object: KubeObject }>()
  private readonly watchers = new Set<{ stream: WatchStream; filter: ObjectFilter }>()
  private readonly listeners = STATES.map((state) => ({ event: `member:${state}` as const, fn: (m: Member): void => this.record(state, m) }))

  constructor(
    private readonly components: NodeChangesComponents,
    private readonly init: NodeChangesInit = {},
  ) {
    this.history = new EventHistory(init.historySize ?? 256, 0)
  }

  start(): void {
    if (this.running) return
    this.running = true
    for (const l of this.listeners) this.components.events.on(l.event, l.fn)
  }

  stop(): void {
    this.running = false
    for (const l of this.listeners) this.components.events.off(l.event, l.fn)
    for (const w of [...this.watchers]) w.stream.close('stopped')
  }

  /** The version a list is current as of; a watch from it misses nothing. */
  get resourceVersion(): string {
    return String(this.version)
  }

  /** Every member as a Node, carrying the version of its last state change. */
  list(): KubeObject[] {
    return this.components.members().map((m) => this.nodeOf(m, this.last.get(m.heartbeat.peerId)?.version ?? 0))
  }

  /**
   * Changes matching `filter`: without a resourceVersion (or "0"), first every current node as
   * ADDED; from a version, the changes after it. Throws InvalidResourceVersionError or
   * ResourceVersionTooOldError (400 / 410) before anything is streamed.
   */
  watch(filter: ObjectFilter, resourceVersion?: string): WatchStream {
    const backlog = this.backlog(filter, resourceVersion)
    const stream = new WatchStream(this.init.maxQueued ?? 1000)
    const watcher = { stream, filter }
    this.watchers.add(watcher)
    stream.attach(() => this.watchers.delete(watcher))
    stream.preload(backlog)
    if (!this.running) stream.close('stopped')
    return stream
  }

  private backlog(filter: ObjectFilter, resourceVersion: string | undefined): WatchEvent[] {
    if (resourceVersion === undefined || resourceVersion === '' || resourceVersion === '0') {
      return this.list()
        .filter((o) => filter.matches(o))
        .map((object) => ({ type: 'ADDED', object }))
    }
    if (!/^\d{1,15}$/.test(resourceVersion)) throw new InvalidResourceVersionError(resourceVersion)
    return this.history
      .since(Number(resourceVersion))
      .map((r) => filter.eventFor(r))
      .filter((e): e is WatchEvent => e !== undefined)
  }

  private record(state: MemberState | 'forgotten', m: Member): void {
    const id = m.heartbeat.peerId
    const before = this.last.get(id)
    const type: ChangeType = state === 'forgotten' ? 'DELETED' : before === undefined ? 'ADDED' : 'MODIFIED'
    const version = ++this.version
    const object = this.nodeOf(m, version)
    if (type === 'DELETED') this.last.delete(id)
    else this.last.set(id, { version, object })
    const record: ChangeRecord = { rv: version, kind: 'nodes', key: id, type, object, ...(type === 'MODIFIED' && before !== undefined ? { previous: before.object } : {}) }
    this.history.push(record)
    for (const w of this.watchers) {
      const event = w.filter.eventFor(record)
      if (event !== undefined) w.stream.push(event)
    }
  }

  private nodeOf(m: Member, version: number): KubeObject {
    const node = memberNode(m)
    return { ...node, metadata: { ...node.metadata, resourceVersion: String(version) } }
  }
}

/**
 * A member as a Node in the store's object type, so the store's filters apply to it. The cast
 * is sound: a Node is plain JSON, only its typed interfaces lack JsonValue's index signatures.
 */
export function memberNode(m: Member): KubeObject {
  return memberToNode(m) as unknown as KubeObject
}
